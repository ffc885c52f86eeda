using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Delivery;
using Jinba.Webhooks.Hosting;
using Jinba.Webhooks.Storage;
using Jinba.Webhooks.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Jinba.Webhooks.Grains;

/// <summary>
/// One organization: which webhook wants which event, the org's API keys, and the fan-out of
/// each published event to the matching webhooks. Reentrant, so concurrent publishes overlap
/// and share the writes of their idempotency records.
/// </summary>
[Reentrant]
public sealed partial class OrganizationGrain(
    [PersistentState("organization", StorageNames.Webhooks)]
    IPersistentState<OrganizationState> state,
    IPublishedEventStore publishedEvents,
    WebhooksSettings settings,
    WebhookMetrics metrics,
    TimeProvider time,
    ILogger<OrganizationGrain> logger) : Grain, IOrganizationGrain
{
    private static readonly TimeSpan DedupeWindow = TimeSpan.FromHours(24);
    private const int RecentCapacity = 10_000;

    // Keeps one lookup's filter well within the length a table query URL may have.
    private const int MaxIdsPerRead = 40;

    private readonly Dictionary<string, Task<PublishResult>> _publishing = [];
    private readonly Dictionary<string, PublishedEvent> _recent = [];
    private readonly Queue<string> _recentOrder = new();
    private GroupCommit<PublishedEvent>? _publishedWriter;
    private GroupRead<PublishedEvent>? _publishedReader;
    private StateWriter? _stateWriter;

    private string OrgId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _publishedWriter = new GroupCommit<PublishedEvent>(publishedEvents.SaveAsync);
        _publishedReader = new GroupRead<PublishedEvent>(FindPublishedAsync, MaxIdsPerRead);
        _stateWriter = new StateWriter(state.WriteStateAsync);
        return Task.CompletedTask;
    }

    public async Task<PublishResult> PublishAsync(EventPublication publication)
    {
        var accepted = Validate(publication);
        if (_publishing.TryGetValue(accepted.Id, out var running))
        {
            return await running;
        }

        var publish = PublishOnceAsync(accepted);
        _publishing[accepted.Id] = publish;
        try
        {
            return await publish;
        }
        finally
        {
            _publishing.Remove(accepted.Id);
        }
    }

    public async Task<IReadOnlyList<Webhook>> ListWebhooksAsync()
    {
        var webhooks = await Task.WhenAll(state.State.Webhooks.Select(subscription =>
            Webhook(subscription.WebhookId).GetAsync(OrgId)));
        return webhooks.OfType<Webhook>().OrderBy(webhook => webhook.CreatedAt).ToList();
    }

    public async Task<WebhookResult> CreateWebhookAsync(WebhookDraft draft)
    {
        if (state.State.Webhooks.Count >= settings.Limits.MaxWebhooksPerOrg)
        {
            return new WebhookResult(WebhookChange.LimitReached);
        }

        // The subscription takes its place before the first await, so concurrent creations
        // cannot pass the limit together.
        var subscription = new Subscription
        {
            WebhookId = Ids.NewWebhook(time.GetUtcNow()),
            Events = [.. draft.Events],
        };
        state.State.Webhooks.Add(subscription);
        try
        {
            var webhook = await Webhook(subscription.WebhookId).CreateAsync(OrgId, draft);
            await _stateWriter!.WriteAsync();
            LogWebhookCreated(OrgId, webhook.Id);
            return new WebhookResult(WebhookChange.Done, webhook);
        }
        catch
        {
            state.State.Webhooks.Remove(subscription);
            throw;
        }
    }

    public async Task<WebhookResult> UpdateWebhookAsync(string webhookId, WebhookPatch patch)
    {
        var subscription = Find(webhookId);
        if (subscription is null)
        {
            return WebhookResult.NotFound;
        }

        var webhook = await Webhook(webhookId).UpdateAsync(OrgId, patch);
        if (webhook is null)
        {
            return WebhookResult.NotFound;
        }

        if (patch.Events is not null)
        {
            subscription.Events = [.. webhook.Events];
            await _stateWriter!.WriteAsync();
        }

        return new WebhookResult(WebhookChange.Done, webhook);
    }

    public async Task<bool> DeleteWebhookAsync(string webhookId)
    {
        var subscription = Find(webhookId);
        if (subscription is null)
        {
            return false;
        }

        await Webhook(webhookId).DeleteAsync(OrgId);
        state.State.Webhooks.Remove(subscription);
        await _stateWriter!.WriteAsync();
        return true;
    }

    public async Task<CreatedApiKey> CreateApiKeyAsync()
    {
        var now = time.GetUtcNow();
        var key = Secrets.NewApiKey();
        var entry = new ApiKeyEntry { Id = Ids.NewApiKey(now), Hash = Secrets.HashApiKey(key) };
        await ApiKey(entry.Hash).IssueAsync(new ApiKey
        {
            Id = entry.Id,
            OrgId = OrgId,
            CreatedAt = now,
        });
        state.State.ApiKeys.Add(entry);
        await _stateWriter!.WriteAsync();
        LogApiKeyCreated(OrgId, entry.Id);
        return new CreatedApiKey { Id = entry.Id, Key = key, OrgId = OrgId, CreatedAt = now };
    }

    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync()
    {
        var keys = await Task.WhenAll(state.State.ApiKeys.Select(entry =>
            ApiKey(entry.Hash).GetAsync()));
        return keys.OfType<ApiKey>().OrderBy(key => key.CreatedAt).ToList();
    }

    public async Task<bool> RevokeApiKeyAsync(string keyId)
    {
        var entry = state.State.ApiKeys.Find(key => key.Id == keyId);
        if (entry is null)
        {
            return false;
        }

        await ApiKey(entry.Hash).RevokeAsync();
        state.State.ApiKeys.Remove(entry);
        await _stateWriter!.WriteAsync();
        LogApiKeyRevoked(OrgId, keyId);
        return true;
    }

    private async Task<PublishResult> PublishOnceAsync(AcceptedEvent accepted)
    {
        using var activity = WebhookMetrics.Activities.StartActivity("publish");
        activity?.SetTag("jinba.org_id", OrgId);
        activity?.SetTag("jinba.event_id", accepted.Id);
        activity?.SetTag("jinba.event_type", accepted.Type);
        var now = time.GetUtcNow();
        // An id made here a moment ago cannot have been accepted before. Looking it up anyway
        // costs a storage read per publish, and under load those reads pace the whole fan-out.
        var earlier = accepted.IdGenerated
            ? null
            : Remembered(accepted.Id, now) ?? await _publishedReader!.GetAsync(accepted.Id);
        if (earlier is not null && now - earlier.AcceptedAt < DedupeWindow)
        {
            Remember(earlier);
            LogDuplicatePublish(OrgId, accepted.Id);
            return new PublishResult(accepted.Id, earlier.Deliveries);
        }

        var request = new DeliveryRequest
        {
            EventId = accepted.Id,
            Event = accepted.Type,
            Body = Envelope.Build(accepted.Id, accepted.Type, OrgId, accepted.Timestamp,
                accepted.Data),
        };
        int deliveries;
        using (var fanOut = WebhookMetrics.Activities.StartActivity("fan-out"))
        {
            fanOut?.SetTag("jinba.event_id", accepted.Id);
            var targets = state.State.Webhooks
                .Where(subscription => subscription.Events.Contains(accepted.Type))
                .Select(subscription => Webhook(subscription.WebhookId).EnqueueAsync(request));
            deliveries = (await Task.WhenAll(targets)).Count(queued => queued);
        }

        var published = new PublishedEvent(OrgId, accepted.Id, deliveries, now);
        await _publishedWriter!.SaveAsync(published);
        Remember(published);
        metrics.Published(accepted.Type);
        activity?.SetTag("jinba.deliveries", deliveries);
        LogPublished(OrgId, accepted.Id, accepted.Type, deliveries);
        return new PublishResult(accepted.Id, deliveries);
    }

    /// <summary>
    /// The same checks the REST API makes, for producers that call the grain directly.
    /// </summary>
    private AcceptedEvent Validate(EventPublication publication)
    {
        if (!EventTypes.IsKnown(publication.Event))
        {
            throw new ArgumentException($"Unknown event type '{publication.Event}'.",
                nameof(publication));
        }

        if (publication.Id is not null && !Ids.IsEventId(publication.Id))
        {
            throw new ArgumentException("The event id is not a valid id.", nameof(publication));
        }

        if (Encoding.UTF8.GetByteCount(publication.Data) > settings.Limits.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The data is larger than {settings.Limits.MaxPayloadBytes} bytes.",
                nameof(publication));
        }

        JsonElement data;
        try
        {
            using var document = JsonDocument.Parse(publication.Data);
            data = document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new ArgumentException("The data is not valid JSON: " + error.Message,
                nameof(publication));
        }

        var problems = EventCatalog.Validate(publication.Event, data);
        if (problems.Count > 0)
        {
            var (field, problem) = problems.First();
            throw new ArgumentException($"{field}: {problem}", nameof(publication));
        }

        var now = time.GetUtcNow();
        return new AcceptedEvent(publication.Id ?? Ids.NewEvent(now), publication.Event,
            publication.Timestamp ?? now, data, IdGenerated: publication.Id is null);
    }

    private async Task<IReadOnlyDictionary<string, PublishedEvent>> FindPublishedAsync(
        IReadOnlyList<string> eventIds)
    {
        var found = await publishedEvents.FindAsync(OrgId, eventIds);
        return found.ToDictionary(published => published.EventId);
    }

    private PublishedEvent? Remembered(string eventId, DateTimeOffset now) =>
        _recent.TryGetValue(eventId, out var published) && now - published.AcceptedAt < DedupeWindow
            ? published
            : null;

    private void Remember(PublishedEvent published)
    {
        if (_recent.TryAdd(published.EventId, published))
        {
            _recentOrder.Enqueue(published.EventId);
        }

        while (_recentOrder.Count > RecentCapacity)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }
    }

    private Subscription? Find(string webhookId) =>
        state.State.Webhooks.Find(subscription => subscription.WebhookId == webhookId);

    private IWebhookGrain Webhook(string webhookId) =>
        GrainFactory.GetGrain<IWebhookGrain>(webhookId);

    private IApiKeyGrain ApiKey(string hash) => GrainFactory.GetGrain<IApiKeyGrain>(hash);

    private sealed record AcceptedEvent(string Id, string Type, DateTimeOffset Timestamp,
        JsonElement Data, bool IdGenerated);
}
