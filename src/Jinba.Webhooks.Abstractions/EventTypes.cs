namespace Jinba.Webhooks;

/// <summary>The event types a webhook can subscribe to and a producer can publish.</summary>
public static class EventTypes
{
    public const string ToolRunCompleted = "tool.run.completed";
    public const string ToolRunFailed = "tool.run.failed";
    public const string ToolsetPublished = "toolset.published";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";

    /// <summary>The type of a test delivery sent without a sample event type.</summary>
    public const string Test = "webhook.test";

    public static IReadOnlyList<string> All { get; } =
        [ToolRunCompleted, ToolRunFailed, ToolsetPublished, MemberAdded, MemberRemoved];

    public static bool IsKnown(string? type) => type is not null && All.Contains(type);
}
