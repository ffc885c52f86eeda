using Jinba.Webhooks.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>The real front silo, in this process, on Azurite and free loopback ports.</summary>
public sealed class FrontSiloInstance : IAsyncDisposable
{
    public const string OperatorKey = "test-operator-key-0123456789abcdefghijklmnop";

    private FrontSiloInstance(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Settings for a cluster of its own, with retries compressed to seconds.</summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync(string? serviceId = null)
    {
        var id = serviceId ?? "svc" + Guid.NewGuid().ToString("N")[..12];
        return new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureTable",
            ["Storage:ConnectionString"] = await SharedAzurite.ConnectionStringAsync(),
            ["Auth:OperatorKey"] = OperatorKey,
            ["Delivery:RetryDelays"] = "00:00:01,00:00:02,00:00:03",
            ["Delivery:AttemptTimeout"] = "00:00:02",
            ["Delivery:AllowHttp"] = "true",
            ["Delivery:AllowPrivateNetworks"] = "true",
            ["Delivery:ReminderPeriod"] = "00:00:02",
            ["Limits:MaxWebhooksPerOrg"] = "3",
            ["Limits:MaxPayloadBytes"] = "4096",
            ["Orleans:ClusterId"] = id,
            ["Orleans:ServiceId"] = id,
            ["Orleans:SiloPort"] = FreePorts.Next().ToString(),
            ["Orleans:GatewayPort"] = FreePorts.Next().ToString(),
        };
    }

    public static async Task<FrontSiloInstance> StartAsync(IDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure = null)
    {
        var app = FrontSilo.Build(["--environment", "Testing"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new FrontSiloInstance(app, new Uri(address));
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
