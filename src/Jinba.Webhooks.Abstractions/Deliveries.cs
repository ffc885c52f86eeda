namespace Jinba.Webhooks;

/// <summary>The status names the API shows and filters by.</summary>
public static class DeliveryStatuses
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Succeeded, Failed];
}

/// <summary>One line of a webhook's delivery log.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.DeliverySummary")]
public sealed record DeliverySummary
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string EventId { get; init; }
    [Id(2)] public required string Event { get; init; }
    [Id(3)] public required string Status { get; init; }
    [Id(4)] public int Attempts { get; init; }
    [Id(5)] public DateTimeOffset CreatedAt { get; init; }
    [Id(6)] public DateTimeOffset? LastAttemptAt { get; init; }
    [Id(7)] public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(8)] public int? StatusCode { get; init; }
    [Id(9)] public string? FailureReason { get; init; }
}

/// <summary>One delivery with every attempt and the exact body sent.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.DeliveryDetail")]
public sealed record DeliveryDetail
{
    [Id(0)] public required DeliverySummary Summary { get; init; }
    [Id(1)] public required IReadOnlyList<AttemptView> AttemptLog { get; init; }
    [Id(2)] public required string Body { get; init; }
}

[GenerateSerializer, Alias("Jinba.Webhooks.AttemptView")]
public sealed record AttemptView
{
    [Id(0)] public DateTimeOffset At { get; init; }
    [Id(1)] public int? StatusCode { get; init; }

    /// <summary>
    /// timeout, connection_refused, dns, tls, redirect, blocked_address, http_status, network.
    /// </summary>
    [Id(2)] public string? ErrorKind { get; init; }
    [Id(3)] public string? Error { get; init; }
    [Id(4)] public long DurationMs { get; init; }
    [Id(5)] public string? ResponseBody { get; init; }

    /// <summary>
    /// <c>schedule</c> for the retry schedule, <c>manual</c> for a retry by hand.
    /// </summary>
    [Id(6)] public required string Trigger { get; init; }
}

[GenerateSerializer, Alias("Jinba.Webhooks.DeliveryQuery")]
public sealed record DeliveryQuery
{
    public const int MaxLimit = 100;

    [Id(0)] public string? Status { get; init; }
    [Id(1)] public string? Event { get; init; }
    [Id(2)] public string? Cursor { get; init; }
    [Id(3)] public int Limit { get; init; } = 20;
}

[GenerateSerializer, Alias("Jinba.Webhooks.DeliveryPage")]
public sealed record DeliveryPage(
    [property: Id(0)] IReadOnlyList<DeliverySummary> Data,
    [property: Id(1)] string? NextCursor);

public enum RecoverOutcome
{
    Done,
    NotFound,
    Disabled,
}

[GenerateSerializer, Alias("Jinba.Webhooks.RecoverResult")]
public sealed record RecoverResult(
    [property: Id(0)] RecoverOutcome Outcome,
    [property: Id(1)] int Recovered = 0);
