using System.Text;

namespace Jinba.Webhooks;

/// <summary>A registered endpoint, as the API shows it.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.Webhook")]
public sealed record Webhook
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required string Url { get; init; }
    [Id(3)] public required IReadOnlyList<string> Events { get; init; }
    [Id(4)] public string? Description { get; init; }

    /// <summary>
    /// The whole secret only when created, revealed or rotated; masked otherwise.
    /// </summary>
    [Id(5)] public required string Secret { get; init; }
    [Id(6)] public bool Enabled { get; init; }
    [Id(7)] public string? DisabledReason { get; init; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(10)] public WebhookStats? Stats { get; init; }

    /// <summary>
    /// What <c>ToString</c> shows, for the logs that print message bodies (Orleans does at
    /// trace level): never the secret, nor the URL, whose query string may hold a token.
    /// </summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, OrgId = {OrgId}, Enabled = {Enabled}");
        return true;
    }
}

/// <summary>How a webhook's endpoint has been doing.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.WebhookStats")]
public sealed record WebhookStats
{
    /// <summary>Successful attempts in the last 24 hours.</summary>
    [Id(0)] public int Successes24h { get; init; }

    /// <summary>Failed attempts in the last 24 hours.</summary>
    [Id(1)] public int Failures24h { get; init; }
    [Id(2)] public DateTimeOffset? LastSuccessAt { get; init; }
    [Id(3)] public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>
    /// Deliveries in a row that failed for good; at the limit the webhook disables.
    /// </summary>
    [Id(4)] public int ConsecutiveFailures { get; init; }
    [Id(5)] public int Pending { get; init; }
}

/// <summary>What a webhook owner sends to register an endpoint, already validated.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.WebhookDraft")]
public sealed record WebhookDraft
{
    [Id(0)] public required string Url { get; init; }
    [Id(1)] public required IReadOnlyList<string> Events { get; init; }
    [Id(2)] public string? Description { get; init; }
    [Id(3)] public bool Enabled { get; init; } = true;

    /// <summary>Leaves the URL, whose query string may hold a token, out of logs.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Events = [{string.Join(", ", Events)}], Enabled = {Enabled}");
        return true;
    }
}

/// <summary>A change to a webhook; a null member keeps its value.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.WebhookPatch")]
public sealed record WebhookPatch
{
    [Id(0)] public string? Url { get; init; }
    [Id(1)] public IReadOnlyList<string>? Events { get; init; }
    [Id(2)] public string? Description { get; init; }
    [Id(3)] public bool? Enabled { get; init; }

    /// <summary>Leaves the URL, whose query string may hold a token, out of logs.</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"UrlChanged = {Url is not null}, Enabled = {Enabled}");
        return true;
    }
}

public enum WebhookChange
{
    Done,
    NotFound,
    LimitReached,
}

[GenerateSerializer, Alias("Jinba.Webhooks.WebhookResult")]
public sealed record WebhookResult([property: Id(0)] WebhookChange Change,
    [property: Id(1)] Webhook? Webhook = null)
{
    public static WebhookResult NotFound { get; } = new(WebhookChange.NotFound);
}

/// <summary>The outcome of one delivery attempt made on request, such as a test.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.AttemptResult")]
public sealed record AttemptResult
{
    [Id(0)] public bool Success { get; init; }
    [Id(1)] public int? StatusCode { get; init; }
    [Id(2)] public long DurationMs { get; init; }
    [Id(3)] public string? Error { get; init; }
}
