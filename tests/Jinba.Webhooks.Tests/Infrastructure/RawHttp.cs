using System.Net.Sockets;
using System.Text;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>Sends bytes no HTTP client would send, and reads the status of the answer.</summary>
public static class RawHttp
{
    public static async Task<int> SendAsync(Uri server, byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(request, timeout.Token);

        var received = new MemoryStream();
        var buffer = new byte[1024];
        while (!Encoding.ASCII.GetString(received.ToArray()).Contains("\r\n"))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        var statusLine = Encoding.ASCII.GetString(received.ToArray()).Split("\r\n")[0];
        var parts = statusLine.Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], out var status)
            ? status
            : throw new InvalidOperationException($"No HTTP answer; got '{statusLine}'.");
    }

    /// <summary>A request without a body, with the given target and extra header lines.</summary>
    public static byte[] Request(string method, byte[] target, string bearer,
        params byte[][] extraHeaderLines)
    {
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes(method + " "));
        request.Write(target);
        request.Write(Encoding.ASCII.GetBytes(
            $" HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {bearer}\r\n"));
        foreach (var line in extraHeaderLines)
        {
            request.Write(line);
            request.Write("\r\n"u8);
        }

        request.Write("Content-Length: 0\r\nConnection: close\r\n\r\n"u8);
        return request.ToArray();
    }
}
