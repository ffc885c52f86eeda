using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jinba.Webhooks.Events;

/// <summary>
/// The <c>data</c> of an event, typed. Extra fields a producer wants receivers to see go in
/// <see cref="Extra"/> and are passed through untouched.
/// </summary>
public abstract record WebhookEventData
{
    // System.Text.Json reads the attributes of the overriding property only, so every override
    // repeats [JsonIgnore]; without it the type would leak into data as "eventType".
    [JsonIgnore]
    public abstract string EventType { get; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record ToolRunCompleted(
    string RunId, string ToolSetSlug, string ToolSlug, long DurationMs) : WebhookEventData
{
    [JsonIgnore]
    public override string EventType => EventTypes.ToolRunCompleted;

    /// <summary>Always <c>success</c>: the field receivers switch on.</summary>
    public string Status { get; init; } = "success";
}

public sealed record ToolRunFailed(
    string RunId, string ToolSetSlug, string ToolSlug, long DurationMs, ToolRunError Error)
    : WebhookEventData
{
    [JsonIgnore]
    public override string EventType => EventTypes.ToolRunFailed;

    /// <summary>Always <c>failed</c>: the field receivers switch on.</summary>
    public string Status { get; init; } = "failed";
}

public sealed record ToolRunError(string Code, string Message);

public sealed record ToolsetPublished(string ToolSetSlug, string Version, string PublishedBy)
    : WebhookEventData
{
    [JsonIgnore]
    public override string EventType => EventTypes.ToolsetPublished;
}

public sealed record MemberAdded(string UserId, string Email, string Role, string AddedBy)
    : WebhookEventData
{
    [JsonIgnore]
    public override string EventType => EventTypes.MemberAdded;
}

public sealed record MemberRemoved(string UserId, string Email, string RemovedBy)
    : WebhookEventData
{
    [JsonIgnore]
    public override string EventType => EventTypes.MemberRemoved;
}
