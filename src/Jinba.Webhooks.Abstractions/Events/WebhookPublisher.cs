using System.Text.Json;

namespace Jinba.Webhooks.Events;

/// <summary>
/// The typed way for a service holding an Orleans client to publish events:
/// <code>await new WebhookPublisher(client).PublishAsync("org_acme", new MemberAdded(...));</code>
/// </summary>
public sealed class WebhookPublisher(IGrainFactory grains)
{
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    /// <param name="eventId">
    /// The idempotency key: publishing the same id again within 24 hours delivers nothing new.
    /// A new id is made when it is null.
    /// </param>
    /// <param name="timestamp">When the event happened; now when null.</param>
    public Task<PublishResult> PublishAsync(string orgId, WebhookEventData data,
        string? eventId = null, DateTimeOffset? timestamp = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(orgId);
        ArgumentNullException.ThrowIfNull(data);

        var publication = new EventPublication
        {
            Event = data.EventType,
            Data = JsonSerializer.Serialize(data, data.GetType(), DataJson),
            Id = eventId,
            Timestamp = timestamp,
        };
        return grains.GetGrain<IOrganizationGrain>(orgId).PublishAsync(publication);
    }
}
