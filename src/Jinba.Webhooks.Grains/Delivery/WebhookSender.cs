using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using Jinba.Webhooks.Hosting;

namespace Jinba.Webhooks.Delivery;

/// <summary>What one HTTP attempt came to.</summary>
public sealed record AttemptOutcome
{
    public bool Success { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }

    /// <summary>
    /// timeout, connection_refused, dns, tls, redirect, blocked_address, http_status or network.
    /// </summary>
    public string? ErrorKind { get; init; }
    public long DurationMs { get; init; }
    public string? ResponseBody { get; init; }
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The endpoint answered 410: it asks never to be called again.</summary>
    public bool Gone => StatusCode == (int)HttpStatusCode.Gone;
}

/// <summary>Makes one signed POST of a delivery body and classifies the answer.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, DeliverySettings settings,
    TimeProvider time)
{
    public const string HttpClientName = "webhook-delivery";
    public const int MaxResponseBytes = 4096;

    public static readonly string UserAgent = "Jinba-Webhooks/" + ProductVersion();

    /// <param name="secrets">The current secret first, then any older one still signing.</param>
    public async Task<AttemptOutcome> SendAsync(string url, IReadOnlyList<string> secrets,
        string eventId, string eventType, byte[] body)
    {
        using var activity = Telemetry.WebhookMetrics.Activities.StartActivity("attempt",
            System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("jinba.event_id", eventId);
        activity?.SetTag("jinba.event_type", eventType);
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(settings.AttemptTimeout, time);
        using var request = BuildRequest(url, secrets, eventId, eventType, body);
        var client = clients.CreateClient(HttpClientName);

        try
        {
            using var response = await client.SendAsync(request,
                HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var responseBody = await ReadPrefixAsync(response, timeout.Token);
            return Classify(response, responseBody, Elapsed(started));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return Failure("timeout",
                $"No response within {settings.AttemptTimeout.TotalSeconds:0.###} s.", started);
        }
        catch (HttpRequestException error)
        {
            return ClassifyNetworkError(error, started);
        }
    }

    private HttpRequestMessage BuildRequest(string url, IReadOnlyList<string> secrets,
        string eventId, string eventType, byte[] body)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var signatures = SignatureHeaders.Sign(secrets, eventId, timestamp, body);

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Absolute))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation(SignatureHeaders.HexSignatureHeader,
            signatures.WebhookSignature);
        request.Headers.TryAddWithoutValidation("X-Webhook-Event", eventType);
        request.Headers.TryAddWithoutValidation("X-Webhook-Id", eventId);
        request.Headers.TryAddWithoutValidation(SignatureHeaders.StandardIdHeader, eventId);
        request.Headers.TryAddWithoutValidation(SignatureHeaders.StandardTimestampHeader,
            timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(SignatureHeaders.StandardSignatureHeader,
            signatures.StandardSignature);
        return request;
    }

    /// <summary>
    /// Reads at most 4 KiB of the answer and stops there, so a huge or endless body cannot hold
    /// the sender; a body that stalls only shortens what is kept.
    /// </summary>
    private static async Task<string?> ReadPrefixAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxResponseBytes];
        var read = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            int count;
            while (read < buffer.Length
                && (count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += count;
            }
        }
        catch (Exception error) when (error is OperationCanceledException or HttpRequestException
            or IOException)
        {
            // The status code decides the outcome; a broken body only shortens what is kept.
        }

        return read == 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    private AttemptOutcome Classify(HttpResponseMessage response, string? body, long durationMs)
    {
        var status = (int)response.StatusCode;
        var outcome = new AttemptOutcome
        {
            StatusCode = status,
            DurationMs = durationMs,
            ResponseBody = body,
            Success = status is >= 200 and < 300,
        };

        if (outcome.Success)
        {
            return outcome;
        }

        if (status is >= 300 and < 400)
        {
            return outcome with
            {
                ErrorKind = "redirect",
                Error = $"Redirect ({status}) not followed.",
            };
        }

        return outcome with
        {
            ErrorKind = "http_status",
            Error = $"The endpoint answered {status}.",
            RetryAfter = status is 429 or 503 ? RetryAfter(response) : null,
        };
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    private AttemptOutcome ClassifyNetworkError(HttpRequestException error, long started)
    {
        var inner = error.InnerException;
        if (inner is BlockedAddressException blocked)
        {
            return Failure("blocked_address", blocked.Message, started);
        }

        if (inner is AuthenticationException)
        {
            return Failure("tls", "The TLS handshake failed: " + inner.Message, started);
        }

        var socketError = (inner as SocketException)?.SocketErrorCode;
        return socketError switch
        {
            SocketError.ConnectionRefused =>
                Failure("connection_refused", "The connection was refused.", started),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                Failure("dns", "The host name could not be resolved.", started),
            _ => error.HttpRequestError == HttpRequestError.NameResolutionError
                ? Failure("dns", "The host name could not be resolved.", started)
                : Failure("network", "The request failed: " + error.Message, started),
        };
    }

    private AttemptOutcome Failure(string kind, string message, long started) => new()
    {
        ErrorKind = kind,
        Error = message,
        DurationMs = Elapsed(started),
    };

    private long Elapsed(long started) =>
        (long)time.GetElapsedTime(started).TotalMilliseconds;

    private static string ProductVersion()
    {
        var version = typeof(WebhookSender).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        return version?.Split('+')[0] ?? "1.0.0";
    }
}
