namespace Jinba.Webhooks.Storage;

public enum DeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One event queued for one webhook, with the exact body every attempt sends.</summary>
public sealed class DeliveryRecord
{
    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string EventId { get; init; }
    public required string Event { get; init; }
    public required byte[] Body { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DeliveryStatus Status { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public string? FailureReason { get; set; }
    public List<AttemptRecord> Attempts { get; set; } = [];

    /// <summary>Attempts made by the retry schedule, which decide when it gives up.</summary>
    public int ScheduledAttempts => Attempts.Count(attempt => !attempt.Manual);
}

/// <summary>One HTTP attempt of a delivery and what the endpoint answered.</summary>
public sealed record AttemptRecord
{
    public DateTimeOffset At { get; init; }
    public long DurationMs { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public string? ErrorKind { get; init; }
    public string? ResponseBody { get; init; }
    public bool Manual { get; init; }
}
