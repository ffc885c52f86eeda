using System.Text.Json;

namespace Jinba.Webhooks.Delivery;

/// <summary>Realistic <c>data</c> for test deliveries, one per event type.</summary>
public static class SampleEvents
{
    private static readonly Dictionary<string, string> Samples = new()
    {
        [EventTypes.ToolRunCompleted] = """
            {"runId":"run_sample","toolSetSlug":"sample-toolset","toolSlug":"sample-tool",
             "status":"success","durationMs":1234}
            """,
        [EventTypes.ToolRunFailed] = """
            {"runId":"run_sample","toolSetSlug":"sample-toolset","toolSlug":"sample-tool",
             "status":"failed","durationMs":987,
             "error":{"code":"TIMEOUT","message":"The tool did not finish in time."}}
            """,
        [EventTypes.ToolsetPublished] = """
            {"toolSetSlug":"sample-toolset","version":"1.2.0","publishedBy":"user_sample"}
            """,
        [EventTypes.MemberAdded] = """
            {"userId":"user_sample","email":"sample@example.com","role":"member",
             "addedBy":"user_admin"}
            """,
        [EventTypes.MemberRemoved] = """
            {"userId":"user_sample","email":"sample@example.com","removedBy":"user_admin"}
            """,
        [EventTypes.Test] = """
            {"message":"This is a test delivery from Jinba Webhooks."}
            """,
    };

    public static bool Exists(string eventType) => Samples.ContainsKey(eventType);

    public static JsonElement For(string eventType)
    {
        using var document = JsonDocument.Parse(Samples[eventType]);
        return document.RootElement.Clone();
    }
}
