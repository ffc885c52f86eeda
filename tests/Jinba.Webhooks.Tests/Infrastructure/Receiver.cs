using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>One request a receiver got, as it arrived.</summary>
public sealed record ReceivedRequest(
    DateTimeOffset At, string Path, string Query, IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string Method { get; init; } = "";

    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>
/// What a receiver answers, after <see cref="Delay"/> when given; <see cref="Hang"/> never
/// answers at all.
/// </summary>
public sealed record Reply(int Status, IReadOnlyDictionary<string, string>? Headers = null,
    string? Body = null, bool Hang = false, TimeSpan? Delay = null)
{
    public static Reply Ok { get; } = new(200);

    public bool Succeeds => Status is >= 200 and < 300 && !Hang;
}

/// <summary>A real HTTP endpoint on loopback that records every request it gets.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _arrived = NewSignal();

    private Receiver(WebApplication app) => _app = app;

    /// <summary>Decides the answer to each request; the default answers 200.</summary>
    public Func<ReceivedRequest, int, Reply> Respond { get; set; } = (_, _) => Reply.Ok;

    public Uri BaseUrl { get; private set; } = null!;

    public string Url => new Uri(BaseUrl, "/hook").ToString();

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    /// <param name="port">A port to listen on, such as one a webhook already points at; a free
    /// one is picked when null.</param>
    public static async Task<Receiver> StartAsync(int? port = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port ?? 0}");
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.BaseUrl = new Uri(address);
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived, or fails.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count,
        TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (_requests.Count < count)
        {
            var signal = _arrived.Task;
            if (_requests.Count >= count)
            {
                break;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(signal, Task.Delay(left)) != signal)
            {
                throw new TimeoutException(
                    $"Expected {count} request(s) at {Url}, got {_requests.Count}.");
            }
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new ReceivedRequest(
            DateTimeOffset.UtcNow,
            context.Request.Path,
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(),
                StringComparer.OrdinalIgnoreCase),
            body.ToArray())
        {
            Method = context.Request.Method,
        };

        var reply = Respond(request, _requests.Count + 1);
        _requests.Enqueue(request);
        Interlocked.Exchange(ref _arrived, NewSignal()).TrySetResult();

        if (reply.Hang)
        {
            await Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => { });
            return;
        }

        if (reply.Delay is { } delay)
        {
            await Task.Delay(delay, _stopping.Token).ContinueWith(_ => { });
        }

        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        if (reply.Body is not null)
        {
            await context.Response.WriteAsync(reply.Body);
        }
    }

    private static TaskCompletionSource NewSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
