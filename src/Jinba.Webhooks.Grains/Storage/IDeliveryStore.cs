namespace Jinba.Webhooks.Storage;

/// <summary>
/// Where deliveries live, one record each, outside the webhook's grain state: a backlog of any
/// size never has to fit one storage entity.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>Writes the records, sharing as few storage requests as the store allows.</summary>
    Task SaveAsync(IReadOnlyList<DeliveryRecord> deliveries);

    Task<IReadOnlyList<DeliveryRecord>> GetPendingAsync(string webhookId);

    Task<DeliveryRecord?> GetAsync(string webhookId, string deliveryId);

    /// <summary>
    /// One page of the log, newest first, starting after the <paramref name="after"/> id.
    /// The next cursor is the last id returned when more may follow.
    /// </summary>
    Task<DeliveryPage> ListAsync(string webhookId, DeliveryStatus? status, string? eventType,
        string? after, int limit);

    /// <summary>
    /// Deliveries that failed for good and were created in [since, until), oldest first.
    /// </summary>
    Task<IReadOnlyList<DeliveryRecord>> ListFailedAsync(string webhookId, DateTimeOffset since,
        DateTimeOffset until, int max);

    /// <summary>
    /// Deletes finished deliveries beyond the newest <paramref name="keep"/> finished ones; pending
    /// deliveries are never deleted and do not count.
    /// </summary>
    Task<int> TrimAsync(string webhookId, int keep);
}

/// <summary>
/// The first result of a publish, kept to answer a repeated publish of the same id.
/// </summary>
public sealed record PublishedEvent(string OrgId, string EventId, int Deliveries,
    DateTimeOffset AcceptedAt);

public interface IPublishedEventStore
{
    /// <summary>
    /// The ones of <paramref name="eventIds"/> the org already published, in one read.
    /// </summary>
    Task<IReadOnlyList<PublishedEvent>> FindAsync(string orgId, IReadOnlyList<string> eventIds);

    Task SaveAsync(IReadOnlyList<PublishedEvent> events);
}
