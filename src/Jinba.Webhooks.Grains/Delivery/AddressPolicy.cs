using System.Net;
using System.Net.Sockets;

namespace Jinba.Webhooks.Delivery;

/// <summary>
/// Which addresses a delivery may connect to. In production only public unicast addresses:
/// everything loopback, private, link-local, shared (CGNAT), reserved for documentation or
/// benchmarks, multicast, unspecified or broadcast is refused, also when it hides inside an IPv6
/// form (mapped, compatible, translated, 6to4, NAT64).
/// </summary>
public sealed class AddressPolicy(bool allowPrivateNetworks)
{
    private static readonly IPNetwork[] NonPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] NonPublicV6 =
    [
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001::/23"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("3fff::/20"), IPNetwork.Parse("5f00::/16"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b:1::/48"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Translated = IPNetwork.Parse("::ffff:0:0:0/96");

    public bool AllowPrivateNetworks { get; } = allowPrivateNetworks;

    public bool IsAllowed(IPAddress address) => AllowPrivateNetworks || IsPublic(address);

    public static bool IsPublic(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !NonPublicV4.Any(network => network.Contains(address));
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        var embedded = EmbeddedIPv4(address);
        if (embedded is not null)
        {
            return IsPublic(embedded);
        }

        return !NonPublicV6.Any(network => network.Contains(address));
    }

    /// <summary>
    /// The IPv4 address inside an IPv4-compatible, IPv4-translated, NAT64 or 6to4 address.
    /// </summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || Translated.Contains(address)
            || (Compatible.Contains(address) && !IsZeroOrOne(bytes)))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : null;
    }

    private static bool IsZeroOrOne(byte[] bytes) =>
        bytes.AsSpan(0, 15).IndexOfAnyExcept((byte)0) < 0 && bytes[15] <= 1;
}

/// <summary>
/// Resolves host names for deliveries; replaceable so tests control what a name means.
/// </summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

/// <summary>
/// A delivery refused because its host is, or resolves only to, addresses the policy forbids.
/// The message names the host but never the addresses a name resolved to, so a webhook owner
/// cannot read the internal DNS through test deliveries.
/// </summary>
public sealed class BlockedAddressException(string host, bool literal) : Exception(literal
    ? $"Blocked: {host} is not a public address."
    : $"Blocked: '{host}' resolves only to addresses that are not public.")
{
    public string Host { get; } = host;
}
