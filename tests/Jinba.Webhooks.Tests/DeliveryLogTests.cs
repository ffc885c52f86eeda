using System.Net;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class DeliveryLogTests(ApiFixture fixture) : ReceiverTests
{
    private static readonly string LongError = new('e', 5000);
    [Fact]
    public async Task Log_lists_pages_filters_and_details_a_scenario_exactly()
    {
        using var org = await fixture.NewOrgAsync();
        var webhookId = await WebhookAsync(org);
        var failures = new Dictionary<string, int> { ["run_b"] = 2, ["run_c"] = int.MaxValue };
        Receiver.Respond = (request, _) =>
        {
            var run = request.Json.GetProperty("data").GetProperty("runId").GetString()!;
            var seen = Receiver.Requests.Count(r => r.Text.Contains(run, StringComparison.Ordinal));
            return seen < failures.GetValueOrDefault(run)
                ? new Reply(500, Body: LongError)
                : Reply.Ok;
        };

        foreach (var run in new[] { "run_a", "run_b", "run_c" })
        {
            await org.PublishAsync("tool.run.completed", Samples.RunCompleted(run), "evt_" + run);
        }

        await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(webhookId),
            all => all.Count == 3 && all.All(d => d.Status != "Pending"),
            TimeSpan.FromSeconds(30), "three finished deliveries");

        var list = await Json.ReadAsync(await org.GetAsync($"webhooks/{webhookId}/deliveries"));
        var items = list.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["evt_run_c", "evt_run_b", "evt_run_a"], items.Select(EventId).ToArray());
        Assert.Equal(["failed", "succeeded", "succeeded"], items.Select(Status).ToArray());
        Assert.Equal([4, 3, 1], items.Select(i => i.GetProperty("attempts").GetInt32()).ToArray());
        Assert.Equal([500, 200, 200],
            items.Select(i => i.GetProperty("statusCode").GetInt32()).ToArray());
        Assert.Equal(JsonValueKind.Null, list.GetProperty("nextCursor").ValueKind);
        Assert.Equal(
            ["attempts", "createdAt", "event", "eventId", "failureReason", "id", "lastAttemptAt",
                "nextAttemptAt", "status", "statusCode"],
            Json.Keys(items[0]));
        Assert.Equal("retries exhausted", items[0].GetProperty("failureReason").GetString());

        var failed = await Json.ReadAsync(
            await org.GetAsync($"webhooks/{webhookId}/deliveries?status=failed"));
        Assert.Equal(["evt_run_c"], failed.GetProperty("data").EnumerateArray().Select(EventId));
        var succeeded = await Json.ReadAsync(
            await org.GetAsync($"webhooks/{webhookId}/deliveries?status=succeeded"));
        Assert.Equal(["evt_run_b", "evt_run_a"],
            succeeded.GetProperty("data").EnumerateArray().Select(EventId));
        var other = await Json.ReadAsync(
            await org.GetAsync($"webhooks/{webhookId}/deliveries?event=member.added"));
        Assert.Empty(other.GetProperty("data").EnumerateArray());

        var visited = new List<string>();
        string? cursor = null;
        do
        {
            var route = $"webhooks/{webhookId}/deliveries?limit=1"
                + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await Json.ReadAsync(await org.GetAsync(route));
            visited.AddRange(page.GetProperty("data").EnumerateArray().Select(EventId));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(["evt_run_c", "evt_run_b", "evt_run_a"], visited);

        var detail = await Json.ReadAsync(await org.GetAsync(
            $"webhooks/{webhookId}/deliveries/{items[0].GetProperty("id").GetString()}"));
        var attempts = detail.GetProperty("attemptLog").EnumerateArray().ToList();
        Assert.Equal(4, attempts.Count);
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(500, attempt.GetProperty("statusCode").GetInt32());
            Assert.Equal("http_status", attempt.GetProperty("errorKind").GetString());
            Assert.Equal("schedule", attempt.GetProperty("trigger").GetString());
            Assert.Equal(new string('e', 4096), attempt.GetProperty("responseBody").GetString());
        });
        var sent = Receiver.Requests.First(r => r.Text.Contains("run_c", StringComparison.Ordinal));
        Assert.Equal(sent.Text, detail.GetProperty("requestBody").GetString());

        var webhook = await Json.ReadAsync(await org.GetAsync($"webhooks/{webhookId}"));
        var stats = webhook.GetProperty("stats");
        Assert.Equal(2, stats.GetProperty("successes24h").GetInt32());
        Assert.Equal(6, stats.GetProperty("failures24h").GetInt32());
        Assert.Equal(1, stats.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(0, stats.GetProperty("pending").GetInt32());
        Assert.True(stats.GetProperty("lastFailureAt").GetDateTimeOffset()
            > stats.GetProperty("lastSuccessAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Manual_retry_of_a_failed_delivery_succeeds_once_the_endpoint_is_fixed()
    {
        using var org = await fixture.NewOrgAsync();
        var webhookId = await WebhookAsync(org);
        Receiver.Respond = (_, _) => new Reply(500);
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted(), "evt_manual");
        var failed = await DeliveryTable.FinishedAsync(webhookId, TimeSpan.FromSeconds(30));
        Receiver.Respond = (_, _) => Reply.Ok;

        var response = await org.PostAsync($"webhooks/{webhookId}/deliveries/{failed.Id}/retry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await Json.ReadAsync(response);
        Assert.Equal("succeeded", detail.GetProperty("status").GetString());
        Assert.Equal(5, detail.GetProperty("attempts").GetInt32());
        var last = detail.GetProperty("attemptLog")[4];
        Assert.Equal("manual", last.GetProperty("trigger").GetString());
        Assert.Equal(200, last.GetProperty("statusCode").GetInt32());
        Assert.Equal(5, Receiver.Requests.Count);
        Assert.Equal("evt_manual", Receiver.Requests[4].Header("webhook-id"));
        var stored = Assert.Single(await DeliveryTable.ReadAsync(webhookId));
        Assert.Equal("Succeeded", stored.Status);
    }

    [Fact]
    public async Task Recover_queues_again_exactly_the_failed_deliveries_in_the_window()
    {
        using var org = await fixture.NewOrgAsync();
        var webhookId = await WebhookAsync(org);
        Receiver.Respond = (_, _) => new Reply(500);
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted("run_old"), "evt_old");
        await Receiver.WaitForAsync(1);
        var since = DateTimeOffset.UtcNow;
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted("run_1"), "evt_1");
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted("run_2"), "evt_2");
        await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(webhookId),
            all => all.Count == 3 && all.All(d => d.Status == "Failed"),
            TimeSpan.FromSeconds(30), "three failed deliveries");
        Receiver.Respond = (_, _) => Reply.Ok;

        var response = await org.PostAsync($"webhooks/{webhookId}/recover", new { since });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"recovered":2}""", (await Json.ReadAsync(response)).ToString());
        var all = await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(webhookId),
            found => found.Count(d => d.Status == "Succeeded") == 2, TimeSpan.FromSeconds(20),
            "the recovered deliveries to succeed");
        Assert.Equal(["Succeeded", "Succeeded", "Failed"],
            all.OrderBy(d => d.EventId).Select(d => d.Status).ToArray());
        Assert.Equal(["evt_1", "evt_2"], Receiver.Requests.Skip(12)
            .Select(r => r.Header("webhook-id")).Order().ToArray());
    }

    [Theory]
    [InlineData("deliveries?status=done", "status")]
    [InlineData("deliveries?limit=0", "limit")]
    [InlineData("deliveries?limit=101", "limit")]
    [InlineData("deliveries?limit=ten", "limit")]
    [InlineData("deliveries?cursor=abc", "cursor")]
    [InlineData("deliveries?event=tool.run.started", "event")]
    public async Task Bad_log_queries_are_refused_naming_the_parameter(string route, string field)
    {
        using var org = await fixture.NewOrgAsync();
        var webhookId = await WebhookAsync(org);

        var response = await org.GetAsync($"webhooks/{webhookId}/{route}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal([field], Json.Keys((await Json.ReadAsync(response)).GetProperty("errors")));
    }

    [Fact]
    public async Task Unknown_deliveries_and_bad_recover_windows_are_refused()
    {
        using var org = await fixture.NewOrgAsync();
        var webhookId = await WebhookAsync(org);
        const string unknown = "dlv_7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

        var get = await org.GetAsync($"webhooks/{webhookId}/deliveries/{unknown}");
        var retry = await org.PostAsync($"webhooks/{webhookId}/deliveries/{unknown}/retry");
        var malformed = await org.GetAsync($"webhooks/{webhookId}/deliveries/nope");
        var noSince = await org.PostAsync($"webhooks/{webhookId}/recover", new { });
        var backwards = await org.PostAsync($"webhooks/{webhookId}/recover", new
        {
            since = "2024-02-01T00:00:00Z",
            until = "2024-01-01T00:00:00Z",
        });
        await org.PatchAsync($"webhooks/{webhookId}", new { enabled = false });
        var disabled = await org.PostAsync($"webhooks/{webhookId}/recover",
            new { since = "2024-01-01T00:00:00Z" });

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Equal(["since"], Json.Keys((await Json.ReadAsync(noSince)).GetProperty("errors")));
        Assert.Equal(["until"], Json.Keys((await Json.ReadAsync(backwards)).GetProperty("errors")));
        Assert.Equal(HttpStatusCode.Conflict, disabled.StatusCode);
    }

    private async Task<string> WebhookAsync(OrgClient org) =>
        (await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed"))
            .GetProperty("id").GetString()!;

    private static string EventId(JsonElement item) => item.GetProperty("eventId").GetString()!;

    private static string Status(JsonElement item) => item.GetProperty("status").GetString()!;
}
