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
}

/// <summary>The first result of a publish, kept to answer a repeated publish of the same id.</summary>
public sealed record PublishedEvent(string OrgId, string EventId, int Deliveries,
    DateTimeOffset AcceptedAt);

public interface IPublishedEventStore
{
    Task<PublishedEvent?> FindAsync(string orgId, string eventId);

    Task SaveAsync(IReadOnlyList<PublishedEvent> events);
}
