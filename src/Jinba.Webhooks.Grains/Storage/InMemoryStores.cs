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
            .Where(record => record.WebhookId == webhookId && record.Status == DeliveryStatus.Pending)
            .Select(Copy)
            .ToList();
        return Task.FromResult(pending);
    }

    public Task<DeliveryRecord?> GetAsync(string webhookId, string deliveryId) =>
        Task.FromResult(_records.TryGetValue((webhookId, deliveryId), out var record)
            ? Copy(record)
            : null);

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
    };
}

public sealed class InMemoryPublishedEventStore : IPublishedEventStore
{
    private readonly ConcurrentDictionary<(string OrgId, string EventId), PublishedEvent> _events =
        new();

    public Task<PublishedEvent?> FindAsync(string orgId, string eventId) =>
        Task.FromResult(_events.GetValueOrDefault((orgId, eventId)));

    public Task SaveAsync(IReadOnlyList<PublishedEvent> events)
    {
        foreach (var published in events)
        {
            _events[(published.OrgId, published.EventId)] = published;
        }

        return Task.CompletedTask;
    }
}
