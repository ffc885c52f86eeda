using System.Text.Json;

namespace Jinba.Webhooks;

/// <summary>
/// The required <c>data</c> fields of each event type. Producers may add more fields; those are
/// passed through untouched.
/// </summary>
public static class EventCatalog
{
    private static readonly Dictionary<string, FieldRule[]> Rules = new()
    {
        [EventTypes.ToolRunCompleted] =
        [
            FieldRule.Text("runId"), FieldRule.Text("toolSetSlug"), FieldRule.Text("toolSlug"),
            FieldRule.Constant("status", "success"), FieldRule.Number("durationMs"),
        ],
        [EventTypes.ToolRunFailed] =
        [
            FieldRule.Text("runId"), FieldRule.Text("toolSetSlug"), FieldRule.Text("toolSlug"),
            FieldRule.Constant("status", "failed"), FieldRule.Number("durationMs"),
            FieldRule.Error("error"),
        ],
        [EventTypes.ToolsetPublished] =
        [
            FieldRule.Text("toolSetSlug"), FieldRule.Text("version"), FieldRule.Text("publishedBy"),
        ],
        [EventTypes.MemberAdded] =
        [
            FieldRule.Text("userId"), FieldRule.Text("email"), FieldRule.Text("role"),
            FieldRule.Text("addedBy"),
        ],
        [EventTypes.MemberRemoved] =
        [
            FieldRule.Text("userId"), FieldRule.Text("email"), FieldRule.Text("removedBy"),
        ],
    };

    /// <summary>
    /// Checks <paramref name="data"/> against the rules of <paramref name="eventType"/> and returns
    /// the problems keyed by the JSON path of the field (for example <c>data.runId</c>).
    /// </summary>
    public static Dictionary<string, string> Validate(string eventType, JsonElement data)
    {
        var problems = new Dictionary<string, string>();
        if (!Rules.TryGetValue(eventType, out var rules))
        {
            problems["event"] = $"Unknown event type '{eventType}'.";
            return problems;
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            problems["data"] = "Must be a JSON object.";
            return problems;
        }

        foreach (var rule in rules)
        {
            var problem = rule.Check(data);
            if (problem is not null)
            {
                problems[$"data.{rule.Name}"] = problem;
            }
        }

        return problems;
    }

    private sealed record FieldRule(string Name, Func<JsonElement, string?> CheckValue)
    {
        public string? Check(JsonElement data) =>
            data.TryGetProperty(Name, out var value) ? CheckValue(value) : "Required.";

        public static FieldRule Text(string name) => new(name, value =>
            value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
                ? null
                : "Must be a non-empty string.");

        public static FieldRule Number(string name) => new(name, value =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) && n >= 0
                ? null
                : "Must be a non-negative integer.");

        public static FieldRule Constant(string name, string expected) => new(name, value =>
            value.ValueKind == JsonValueKind.String && value.GetString() == expected
                ? null
                : $"Must be \"{expected}\".");

        public static FieldRule Error(string name) => new(name, value =>
            value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("code", out var code)
            && code.ValueKind == JsonValueKind.String
            && value.TryGetProperty("message", out var message)
            && message.ValueKind == JsonValueKind.String
                ? null
                : "Must be an object with string fields 'code' and 'message'.");
    }
}
