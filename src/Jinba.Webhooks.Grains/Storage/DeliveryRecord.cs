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

    /// <summary>
    /// Where the current retry schedule began in <see cref="Attempts"/>: a recovered delivery
    /// starts a fresh schedule.
    /// </summary>
    public int ScheduleStart { get; set; }

    /// <summary>
    /// Attempts made by the current retry schedule, which decide when it gives up.
    /// </summary>
    public int ScheduledAttempts => Attempts.Skip(ScheduleStart).Count(attempt => !attempt.Manual);

    public DeliverySummary ToSummary() => new()
    {
        Id = Id,
        EventId = EventId,
        Event = Event,
        Status = StatusName(Status),
        Attempts = Attempts.Count,
        CreatedAt = CreatedAt,
        LastAttemptAt = Attempts.Count > 0 ? Attempts[^1].At : null,
        NextAttemptAt = NextAttemptAt,
        StatusCode = Attempts.Count > 0 ? Attempts[^1].StatusCode : null,
        FailureReason = FailureReason,
    };

    public DeliveryDetail ToDetail() => new()
    {
        Summary = ToSummary(),
        AttemptLog = Attempts.Select(attempt => new AttemptView
        {
            At = attempt.At,
            StatusCode = attempt.StatusCode,
            ErrorKind = attempt.ErrorKind,
            Error = attempt.Error,
            DurationMs = attempt.DurationMs,
            ResponseBody = attempt.ResponseBody,
            Trigger = attempt.Manual ? "manual" : "schedule",
        }).ToList(),
        Body = System.Text.Encoding.UTF8.GetString(Body),
    };

    public static string StatusName(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => DeliveryStatuses.Pending,
        DeliveryStatus.Succeeded => DeliveryStatuses.Succeeded,
        _ => DeliveryStatuses.Failed,
    };

    public static DeliveryStatus? ParseStatus(string? name) => name switch
    {
        DeliveryStatuses.Pending => DeliveryStatus.Pending,
        DeliveryStatuses.Succeeded => DeliveryStatus.Succeeded,
        DeliveryStatuses.Failed => DeliveryStatus.Failed,
        _ => null,
    };
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
