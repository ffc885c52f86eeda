using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Jinba.Webhooks.Delivery;

/// <summary>
/// The connect step of the delivery HTTP handler: it resolves the host itself, keeps only the
/// addresses the policy allows and connects to one of those, so the address checked is the
/// address used and a DNS answer that changes in between cannot slip past the check.
/// </summary>
public sealed class GuardedConnector(AddressPolicy policy, IHostResolver resolver)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context,
        CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var isLiteral = IPAddress.TryParse(host, out var literal);
        var addresses = isLiteral
            ? [literal!]
            : await resolver.ResolveAsync(host, cancellationToken);

        var allowed = addresses.Where(policy.IsAllowed).ToList();
        if (allowed.Count == 0)
        {
            throw new BlockedAddressException(host, isLiteral);
        }

        SocketException? lastError = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
            };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port),
                    cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException error)
            {
                socket.Dispose();
                lastError = error;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastError!;
    }
}
