using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Placement;

namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class SiloClusterCollection : ICollectionFixture<SiloClusterFixture>
{
    public const string Name = "multi-silo cluster";
}

/// <summary>
/// Three real silos of one cluster on the shared Azurite: the front silo in this process and
/// two worker silo processes, joined through the Azure Table membership.
/// </summary>
public sealed class SiloClusterFixture : IAsyncLifetime
{
    private readonly List<WorkerSiloProcess> _workers = [];
    private int _started;

    public Dictionary<string, string?> Settings { get; private set; } = null!;

    public FrontSiloInstance Front { get; private set; } = null!;

    public IGrainFactory Grains => Front.Services.GetRequiredService<IGrainFactory>();

    public SiloAddress FrontAddress =>
        Front.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public async Task InitializeAsync()
    {
        Settings = await SettingsAsync();
        Front = await FrontSiloInstance.StartAsync(Settings);
        await EnsureWorkersAsync(2);
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_workers.Select(worker => worker.StopAsync()));
        await Task.WhenAll(_workers.Select(worker => worker.DisposeAsync().AsTask()));
        await Front.DisposeAsync();
    }

    /// <summary>
    /// Settings for a cluster of its own that notices a dead silo within a few seconds and lets
    /// one organization have all the webhooks a test needs.
    /// </summary>
    public static async Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["Limits:MaxWebhooksPerOrg"] = "20";
        settings["Delivery:RetryDelays"] = "00:00:01,00:00:02,00:00:05";
        settings["Orleans:Membership:ProbeTimeout"] = "00:00:01";
        settings["Orleans:Membership:NumMissedProbesLimit"] = "2";
        settings["Orleans:Membership:NumVotesForDeathDeclaration"] = "1";
        settings["Orleans:Membership:TableRefreshTimeout"] = "00:00:02";
        settings["Orleans:Membership:IAmAliveTablePublishTimeout"] = "00:00:05";
        return settings;
    }

    /// <summary>The live worker silos, started as needed until there are this many.</summary>
    public async Task<IReadOnlyList<WorkerSiloProcess>> EnsureWorkersAsync(int count)
    {
        var gone = _workers.Where(worker => worker.HasExited).ToList();
        foreach (var worker in gone)
        {
            _workers.Remove(worker);
            await worker.DisposeAsync();
        }

        var starting = Enumerable.Range(0, count - _workers.Count)
            .Select(_ => WorkerSiloProcess.StartAsync($"worker-{++_started}", Settings));
        _workers.AddRange(await Task.WhenAll(starting));
        await WaitForMembersAsync(Grains, _workers);
        return _workers.ToList();
    }

    /// <summary>Waits until the cluster lists its front and these workers, and no other.</summary>
    public static async Task WaitForMembersAsync(IGrainFactory grains,
        IReadOnlyCollection<WorkerSiloProcess> workers)
    {
        var ports = workers.Select(worker => worker.SiloPort).ToHashSet();
        try
        {
            await Eventually.MatchAsync(() => ActivePortsAsync(grains),
                active => active.Count == ports.Count + 1 && ports.IsSubsetOf(active),
                TimeSpan.FromSeconds(60), "the worker silos to join");
        }
        catch (TimeoutException error)
        {
            var output = string.Join(Environment.NewLine, workers.Select(worker =>
                $"--- {worker.Name}:{Environment.NewLine}{worker.Output}"));
            throw new TimeoutException(error.Message + Environment.NewLine + output, error);
        }
    }

    public static async Task<HashSet<int>> ActivePortsAsync(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Select(silo => silo.Endpoint.Port).ToHashSet();
    }

    public async Task<SiloAddress> AddressOfAsync(WorkerSiloProcess worker)
    {
        var hosts = await Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Keys.Single(silo => silo.Endpoint.Port == worker.SiloPort);
    }

    /// <summary>The silo a grain is active on right now, if any.</summary>
    public async Task<SiloAddress?> WhereIsAsync(IAddressable grain) =>
        await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);

    /// <summary>
    /// A new organization activated on the given silo with webhooks at the given URLs; its
    /// webhook grains are first activated from there, so they start on that silo too.
    /// </summary>
    public static async Task<PlacedOrg> NewOrgOnAsync(IGrainFactory grains, SiloAddress silo,
        FrontSiloInstance front, IEnumerable<string> urls, string eventType)
    {
        var orgId = WebhookClusterFixture.NewOrgId();
        var organization = grains.GetGrain<IOrganizationGrain>(orgId);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            var key = await organization.CreateApiKeyAsync();
            var webhooks = new List<Webhook>();
            foreach (var url in urls)
            {
                var created = await organization.CreateWebhookAsync(
                    new WebhookDraft { Url = url, Events = [eventType] });
                webhooks.Add(created.Webhook!);
            }

            return new PlacedOrg(new OrgClient(orgId, key.Key, front.Client(key.Key)), webhooks);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}

/// <summary>An organization of a test with its REST client and its webhooks.</summary>
public sealed record PlacedOrg(OrgClient Client, IReadOnlyList<Webhook> Webhooks) : IDisposable
{
    public IEnumerable<string> Paths =>
        Webhooks.Select(webhook => new Uri(webhook.Url).AbsolutePath);

    public void Dispose() => Client.Dispose();
}
