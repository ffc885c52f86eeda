using Jinba.Webhooks.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Orleans.TestingHost;

namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class WebhookClusterCollection : ICollectionFixture<WebhookClusterFixture>
{
    public const string Name = "in-process cluster";
}

/// <summary>
/// One in-process Orleans silo hosting the webhook grains on the shared Azurite, as
/// AddWebhookGrains sets them up, with the delivery store recorded.
/// </summary>
public sealed class WebhookClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster =>
        _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    public RecordingDeliveryStore Deliveries { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(await FrontSiloInstance.SettingsAsync())
            .Build();
        var environment = new HostingEnvironment { EnvironmentName = "Testing" };
        var settings = WebhooksSettings.Load(configuration, environment);

        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddWebhookGrains(settings);
            RecordingDeliveryStore.Decorate(silo.Services);
        });

        _cluster = builder.Build();
        await _cluster.DeployAsync();
        Deliveries = _cluster.GetSiloServiceProvider().GetRequiredService<RecordingDeliveryStore>();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    public static string NewOrgId() => "org_" + Guid.NewGuid().ToString("N")[..10];

    public IOrganizationGrain Organization(string orgId) =>
        Client.GetGrain<IOrganizationGrain>(orgId);

    /// <summary>Registers a webhook as the REST API does; it comes with its whole secret.</summary>
    public async Task<Webhook> CreateWebhookAsync(string orgId, string url, params string[] events)
    {
        var result = await Organization(orgId).CreateWebhookAsync(
            new WebhookDraft { Url = url, Events = events });
        Assert.Equal(WebhookChange.Done, result.Change);
        return result.Webhook!;
    }
}
