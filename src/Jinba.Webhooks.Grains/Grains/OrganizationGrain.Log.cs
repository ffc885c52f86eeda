using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Grains;

public sealed partial class OrganizationGrain
{
    [LoggerMessage(2001, LogLevel.Information,
        "Event {EventId} ({EventType}) of {OrgId} accepted for {Deliveries} webhook(s)")]
    private partial void LogPublished(string orgId, string eventId, string eventType,
        int deliveries);

    [LoggerMessage(2002, LogLevel.Information,
        "Event {EventId} of {OrgId} was already accepted; nothing new delivered")]
    private partial void LogDuplicatePublish(string orgId, string eventId);

    [LoggerMessage(2003, LogLevel.Information, "Webhook {WebhookId} created for {OrgId}")]
    private partial void LogWebhookCreated(string orgId, string webhookId);

    [LoggerMessage(2004, LogLevel.Information, "API key {KeyId} created for {OrgId}")]
    private partial void LogApiKeyCreated(string orgId, string keyId);

    [LoggerMessage(2005, LogLevel.Information, "API key {KeyId} of {OrgId} revoked")]
    private partial void LogApiKeyRevoked(string orgId, string keyId);
}
