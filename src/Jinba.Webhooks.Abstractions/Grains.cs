using Orleans.Concurrency;

namespace Jinba.Webhooks;

/// <summary>
/// One organization (key: org id): its webhook subscriptions, its API keys, and the fan-out of
/// every event it publishes.
/// </summary>
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts one event and returns once every matching webhook holds a durable record of its
    /// delivery. Publishing an id already accepted returns the first result and delivers nothing.
    /// </summary>
    Task<PublishResult> PublishAsync(EventPublication publication);

    Task<IReadOnlyList<Webhook>> ListWebhooksAsync();

    Task<WebhookResult> CreateWebhookAsync(WebhookDraft draft);

    Task<WebhookResult> UpdateWebhookAsync(string webhookId, WebhookPatch patch);

    Task<bool> DeleteWebhookAsync(string webhookId);

    Task<CreatedApiKey> CreateApiKeyAsync();

    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync();

    Task<bool> RevokeApiKeyAsync(string keyId);
}

/// <summary>
/// One endpoint (key: webhook id): its configuration, pending deliveries, their retries and its
/// delivery log.
/// </summary>
public interface IWebhookGrain : IGrainWithStringKey
{
    Task<Webhook> CreateAsync(string orgId, WebhookDraft draft);

    /// <summary>
    /// The webhook with its secret masked, or null when it does not belong to the org.
    /// </summary>
    Task<Webhook?> GetAsync(string orgId);

    Task<Webhook?> UpdateAsync(string orgId, WebhookPatch patch);

    Task<bool> DeleteAsync(string orgId);

    /// <summary>The webhook with its whole secret.</summary>
    Task<Webhook?> RevealSecretAsync(string orgId);

    /// <summary>
    /// A new secret; the old one keeps signing beside it for the configured overlap (24 h).
    /// </summary>
    Task<Webhook?> RotateSecretAsync(string orgId);

    /// <summary>One real attempt of a sample event, neither retried nor logged.</summary>
    Task<AttemptResult?> SendTestAsync(string orgId, string? eventType);

    /// <summary>The delivery log, newest first; null when the webhook is not the org's.</summary>
    Task<DeliveryPage?> ListDeliveriesAsync(string orgId, DeliveryQuery query);

    Task<DeliveryDetail?> GetDeliveryAsync(string orgId, string deliveryId);

    /// <summary>One attempt now, recorded in the log whatever the delivery's status.</summary>
    Task<DeliveryDetail?> RetryDeliveryAsync(string orgId, string deliveryId);

    /// <summary>
    /// Queues again every delivery that failed for good and was created in the window, with a
    /// fresh retry schedule; at most <c>RecoverLimit</c> per call, oldest first.
    /// </summary>
    Task<RecoverResult> RecoverAsync(string orgId, DateTimeOffset since, DateTimeOffset? until);

    /// <summary>
    /// Records the delivery durably and schedules its first attempt; false when the webhook is
    /// disabled, deleted or not subscribed to the event.
    /// </summary>
    [AlwaysInterleave]
    Task<bool> EnqueueAsync(DeliveryRequest request);
}

/// <summary>
/// One API key (key: the SHA-256 hash of the key, in hex), so a presented key is found without
/// ever storing it.
/// </summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    Task<ApiKey?> AuthenticateAsync();

    Task<ApiKey?> GetAsync();

    Task IssueAsync(ApiKey key);

    Task RevokeAsync();
}
