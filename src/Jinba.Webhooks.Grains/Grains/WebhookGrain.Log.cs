using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Grains;

public sealed partial class WebhookGrain
{
    [LoggerMessage(1001, LogLevel.Information,
        "Delivery {DeliveryId} of event {EventId} to webhook {WebhookId} of {OrgId} "
        + "succeeded with {StatusCode} after {Attempts} attempt(s)")]
    private partial void LogDelivered(string orgId, string webhookId, string deliveryId,
        string eventId, int? statusCode, int attempts);

    [LoggerMessage(1002, LogLevel.Warning,
        "Delivery {DeliveryId} of event {EventId} to webhook {WebhookId} of {OrgId} failed "
        + "(status {StatusCode}, {ErrorKind}); retrying in {Delay}")]
    private partial void LogRetryScheduled(string orgId, string webhookId, string deliveryId,
        string eventId, int? statusCode, string? errorKind, TimeSpan delay);

    [LoggerMessage(1003, LogLevel.Warning,
        "Delivery {DeliveryId} of event {EventId} to webhook {WebhookId} of {OrgId} failed for "
        + "good after {Attempts} attempts; {ConsecutiveFailures} in a row")]
    private partial void LogFailed(string orgId, string webhookId, string deliveryId,
        string eventId, int attempts, int consecutiveFailures);

    [LoggerMessage(1004, LogLevel.Warning, "Webhook {WebhookId} of {OrgId} disabled: {Reason}")]
    private partial void LogDisabled(string webhookId, string orgId, string reason);

    [LoggerMessage(1005, LogLevel.Information, "Webhook {WebhookId} of {OrgId} enabled")]
    private partial void LogEnabled(string webhookId, string orgId);

    [LoggerMessage(1006, LogLevel.Information,
        "Webhook {WebhookId} of {OrgId} deleted; {Cancelled} pending deliveries cancelled")]
    private partial void LogDeleted(string webhookId, string orgId, int cancelled);

    [LoggerMessage(1007, LogLevel.Information,
        "Webhook {WebhookId} resumed with {Pending} pending deliveries")]
    private partial void LogResumed(string webhookId, int pending);

    [LoggerMessage(1008, LogLevel.Error,
        "The attempt of delivery {DeliveryId} to webhook {WebhookId} could not be recorded")]
    private partial void LogAttemptNotRecorded(Exception error, string webhookId,
        string deliveryId);

    [LoggerMessage(1009, LogLevel.Information,
        "Test delivery to webhook {WebhookId} of {OrgId}: success {Success}, status {StatusCode}")]
    private partial void LogTestSent(string webhookId, string orgId, bool success,
        int? statusCode);

    [LoggerMessage(1010, LogLevel.Information,
        "Secret of webhook {WebhookId} of {OrgId} rotated; the old one signs until {Until}")]
    private partial void LogSecretRotated(string webhookId, string orgId, DateTimeOffset until);

    [LoggerMessage(1011, LogLevel.Information,
        "Manual retry of delivery {DeliveryId} of event {EventId} to webhook {WebhookId} of "
        + "{OrgId}: "
        + "success {Success}, status {StatusCode}")]
    private partial void LogManualRetry(string orgId, string webhookId, string deliveryId,
        string eventId, bool success, int? statusCode);

    [LoggerMessage(1012, LogLevel.Information,
        "Webhook {WebhookId} of {OrgId}: {Recovered} failed deliveries from {Since} to {Until} "
        + "queued again")]
    private partial void LogRecovered(string webhookId, string orgId, int recovered,
        DateTimeOffset since, DateTimeOffset until);

    [LoggerMessage(1013, LogLevel.Debug,
        "Webhook {WebhookId}: {Removed} old deliveries trimmed from the log")]
    private partial void LogTrimmed(string webhookId, int removed);

    [LoggerMessage(1014, LogLevel.Warning, "Webhook {WebhookId}: trimming the log failed")]
    private partial void LogTrimFailed(Exception error, string webhookId);

    [LoggerMessage(1015, LogLevel.Warning,
        "Webhook {WebhookId} deactivated with {Attempts} attempt(s) unfinished; they stay "
        + "pending in storage and will be made again")]
    private partial void LogAttemptsAbandoned(string webhookId, int attempts);

    [LoggerMessage(1016, LogLevel.Warning,
        "The outcome of delivery {DeliveryId} to webhook {WebhookId} is stored, but its "
        + "statistics or the reminder could not be updated; they are on the next write or tick")]
    private partial void LogFollowUpFailed(Exception error, string webhookId, string deliveryId);
}
