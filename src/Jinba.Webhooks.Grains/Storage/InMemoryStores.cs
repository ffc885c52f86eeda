using System.Collections.Concurrent;

namespace Jinba.Webhooks.Storage;

/// <summary>Deliveries kept in this process only: for the single-silo development mode.</summary>
public sealed class InMemoryDeliveryStore : IDeliveryStore
{
    private readonly ConcurrentDictionary<(string WebhookId, string Id), DeliveryRecord> _records =
        new();

    public Task SaveAsync(IReadOnlyList<DeliveryRecord> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            _records[(delivery.WebhookId, delivery.Id)] = Copy(delivery);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetPendingAsync(string webhookId)
    {
        IReadOnlyList<DeliveryRecord> pending = _records.Values
            .Where(record => record.WebhookId == webhookId
                && record.Status == DeliveryStatus.Pending)
            .Select(Copy)
            .ToList();
        return Task.FromResult(pending);
    }

    public Task<DeliveryRecord?> GetAsync(string webhookId, string deliveryId) =>
        Task.FromResult(_records.TryGetValue((webhookId, deliveryId), out var record)
            ? Copy(record)
            : null);

    public Task<DeliveryPage> ListAsync(string webhookId, DeliveryStatus? status,
        string? eventType, string? after, int limit)
    {
        var matching = Log(webhookId)
            .Where(record => status is null || record.Status == status)
            .Where(record => eventType is null || record.Event == eventType)
            .Where(record => after is null || string.CompareOrdinal(record.Id, after) > 0)
            .Take(limit + 1)
            .ToList();
        var page = matching.Take(limit).Select(record => record.ToSummary()).ToList();
        var next = matching.Count > limit ? page[^1].Id : null;
        return Task.FromResult(new DeliveryPage(page, next));
    }

    public Task<IReadOnlyList<DeliveryRecord>> ListFailedAsync(string webhookId,
        DateTimeOffset since, DateTimeOffset until, int max)
    {
        IReadOnlyList<DeliveryRecord> failed = Log(webhookId)
            .Where(record => record.Status == DeliveryStatus.Failed)
            .Where(record => record.CreatedAt >= since && record.CreatedAt < until)
            .Reverse()
            .Take(max)
            .Select(Copy)
            .ToList();
        return Task.FromResult(failed);
    }

    public Task<int> TrimAsync(string webhookId, int keep)
    {
        var old = Log(webhookId)
            .Where(record => record.Status != DeliveryStatus.Pending)
            .Skip(keep)
            .ToList();
        foreach (var record in old)
        {
            _records.TryRemove((webhookId, record.Id), out _);
        }

        return Task.FromResult(old.Count);
    }

    /// <summary>The webhook's records newest first, as delivery ids sort.</summary>
    private IEnumerable<DeliveryRecord> Log(string webhookId) => _records.Values
        .Where(record => record.WebhookId == webhookId)
        .OrderBy(record => record.Id, StringComparer.Ordinal);

    // Records are copied in and out so a grain's later changes never reach the store unsaved.
    private static DeliveryRecord Copy(DeliveryRecord record) => new()
    {
        Id = record.Id,
        WebhookId = record.WebhookId,
        EventId = record.EventId,
        Event = record.Event,
        Body = record.Body,
        CreatedAt = record.CreatedAt,
        Status = record.Status,
        NextAttemptAt = record.NextAttemptAt,
        FailureReason = record.FailureReason,
        Attempts = [.. record.Attempts],
        ScheduleStart = record.ScheduleStart,
    };
}

public sealed class InMemoryPublishedEventStore : IPublishedEventStore
{
    private readonly ConcurrentDictionary<(string OrgId, string EventId), PublishedEvent> _events =
        new();

    public Task<IReadOnlyList<PublishedEvent>> FindAsync(string orgId,
        IReadOnlyList<string> eventIds)
    {
        IReadOnlyList<PublishedEvent> found = eventIds
            .Select(eventId => _events.GetValueOrDefault((orgId, eventId)))
            .OfType<PublishedEvent>()
            .ToList();
        return Task.FromResult(found);
    }

    public Task SaveAsync(IReadOnlyList<PublishedEvent> events)
    {
        foreach (var published in events)
        {
            _events[(published.OrgId, published.EventId)] = published;
        }

        return Task.CompletedTask;
    }
}
