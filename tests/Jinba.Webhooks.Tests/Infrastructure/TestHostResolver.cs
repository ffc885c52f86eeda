using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Jinba.Webhooks.Delivery;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// A name service whose answers the tests write: a mapped name resolves to its addresses, any
/// other name does not exist, so no test depends on (or reaches) a real DNS server.
/// </summary>
public sealed class TestHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names =
        new(StringComparer.OrdinalIgnoreCase);

    public void Map(string host, params string[] addresses) =>
        _names[host] = addresses.Select(IPAddress.Parse).ToArray();

    public IPAddress[] AddressesOf(string host) => _names[host];

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _names.TryGetValue(host, out var addresses)
            ? Task.FromResult(addresses)
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
