using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using StandardWebhooks;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class DeliveryTests(ApiFixture fixture) : ReceiverTests
{
    [Fact]
    public async Task Published_event_arrives_once_with_every_header_and_both_signatures()
    {
        using var org = await fixture.NewOrgAsync();
        var url = Receiver.Url + "?tenant=a&x=1";
        var webhook = await org.CreateWebhookAsync(url, "tool.run.completed");
        var secret = webhook.GetProperty("secret").GetString()!;

        var published = await org.PublishAsync("tool.run.completed", new
        {
            runId = "run_42",
            toolSetSlug = "my-toolset",
            toolSlug = "my-tool",
            status = "success",
            durationMs = 1234,
            region = "eu-west",
        }, id: "evt_headers_1");

        Assert.Equal("evt_headers_1", published.GetProperty("id").GetString());
        Assert.Equal(1, published.GetProperty("deliveries").GetInt32());
        var request = Assert.Single(await Receiver.WaitForAsync(1));
        Assert.Equal("/hook", request.Path);
        Assert.Equal("?tenant=a&x=1", request.Query);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("Jinba-Webhooks/1.0.0", request.Header("User-Agent"));
        Assert.Equal("tool.run.completed", request.Header("X-Webhook-Event"));
        Assert.Equal("evt_headers_1", request.Header("X-Webhook-Id"));
        Assert.Equal("evt_headers_1", request.Header("webhook-id"));

        var envelope = request.Json;
        Assert.Equal(["data", "event", "id", "orgId", "timestamp"], Json.Keys(envelope));
        Assert.Equal("evt_headers_1", envelope.GetProperty("id").GetString());
        Assert.Equal("tool.run.completed", envelope.GetProperty("event").GetString());
        Assert.Equal(org.OrgId, envelope.GetProperty("orgId").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$",
            envelope.GetProperty("timestamp").GetString());
        Assert.Equal(
            """{"runId":"run_42","toolSetSlug":"my-toolset","toolSlug":"my-tool","status":"success","durationMs":1234,"region":"eu-west"}""",
            envelope.GetProperty("data").GetRawText());

        Assert.Equal("sha256=" + HexSignature(secret, request.Body),
            request.Header("X-Webhook-Signature"));
        var sent = long.Parse(request.Header("webhook-timestamp"));
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - sent, 0, 30);
        new StandardWebhook(secret).Verify(request.Text, Headers(request));
    }

    [Fact]
    public async Task Event_timestamp_and_id_come_from_the_producer_when_given()
    {
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(Receiver.Url, "member.removed");

        var response = await org.PostAsync("events", """
            {"event":"member.removed","id":"evt_given","timestamp":"2024-01-15T10:00:00Z",
             "data":{"userId":"u1","email":"a@b.c","removedBy":"u2"}}
            """);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var envelope = (await Receiver.WaitForAsync(1))[0].Json;
        Assert.Equal("2024-01-15T10:00:00.000Z", envelope.GetProperty("timestamp").GetString());
        Assert.Equal("evt_given", envelope.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Fail_fail_succeed_makes_three_attempts_spaced_by_the_schedule()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        Receiver.Respond = (_, n) => n <= 2 ? new Reply(500) : Reply.Ok;

        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());
        var requests = await Receiver.WaitForAsync(3);

        var delivery = await DeliveryTable.FinishedAsync(webhook.GetProperty("id").GetString()!);
        Assert.Equal("Succeeded", delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal(3, Receiver.Requests.Count);
        Assert.Single(requests.Select(request => request.Text).Distinct());
        AssertGap(requests[0], requests[1], TimeSpan.FromSeconds(1));
        AssertGap(requests[1], requests[2], TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Endpoint_failing_throughout_gets_exactly_four_attempts_then_fails_for_good()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        var id = webhook.GetProperty("id").GetString()!;
        Receiver.Respond = (_, _) => new Reply(503);

        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());

        var delivery = await DeliveryTable.FinishedAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("Failed", delivery.Status);
        Assert.Equal("retries exhausted", delivery.FailureReason);
        Assert.Equal(4, delivery.Attempts);
        var requests = Receiver.Requests;
        Assert.Equal(4, requests.Count);
        AssertGap(requests[2], requests[3], TimeSpan.FromSeconds(3));
        var after = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));
        Assert.True(after.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Retry_after_pushes_the_next_attempt_out_up_to_the_last_step()
    {
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        Receiver.Respond = (_, n) => n == 1
            ? new Reply(429, new Dictionary<string, string> { ["Retry-After"] = "3" })
            : Reply.Ok;

        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());
        var requests = await Receiver.WaitForAsync(2);

        AssertGap(requests[0], requests[1], TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Gone_disables_the_webhook_at_once_and_later_events_are_not_queued()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        var id = webhook.GetProperty("id").GetString()!;
        Receiver.Respond = (_, _) => new Reply(410);

        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());
        var delivery = await DeliveryTable.FinishedAsync(id);

        Assert.Equal("Failed", delivery.Status);
        Assert.Equal(1, delivery.Attempts);
        var after = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Equal("the endpoint answered 410 Gone",
            after.GetProperty("disabledReason").GetString());
        var next = await org.PublishAsync("tool.run.completed", Samples.RunCompleted("run_2"));
        Assert.Equal(0, next.GetProperty("deliveries").GetInt32());
        Assert.Single(await DeliveryTable.ReadAsync(id));

        var enabled = await Json.ReadAsync(await org.PatchAsync($"webhooks/{id}",
            new { enabled = true }));
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabledReason").ValueKind);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var target = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        Receiver.Respond = (_, _) => new Reply(302,
            new Dictionary<string, string> { ["Location"] = target.Url });

        var test = await Json.ReadAsync(await org.PostAsync(
            $"webhooks/{webhook.GetProperty("id").GetString()}/test"));

        Assert.False(test.GetProperty("success").GetBoolean());
        Assert.Equal(302, test.GetProperty("statusCode").GetInt32());
        Assert.Equal("Redirect (302) not followed.", test.GetProperty("error").GetString());
        Assert.Single(Receiver.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Test_delivery_reports_one_real_attempt_even_on_a_disabled_webhook()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");
        var id = webhook.GetProperty("id").GetString()!;
        await org.PatchAsync($"webhooks/{id}", new { enabled = false });
        Receiver.Respond = (_, _) => new Reply(500, Body: "boom");

        var response = await org.PostAsync($"webhooks/{id}/test", new { @event = "member.added" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await Json.ReadAsync(response);
        Assert.Equal(["durationMs", "error", "statusCode", "success"], Json.Keys(outcome));
        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal(500, outcome.GetProperty("statusCode").GetInt32());
        Assert.Equal("The endpoint answered 500.", outcome.GetProperty("error").GetString());
        var request = Assert.Single(Receiver.Requests);
        var envelope = request.Json;
        Assert.Equal("member.added", envelope.GetProperty("event").GetString());
        Assert.True(envelope.GetProperty("test").GetBoolean());
        Assert.Equal("sample@example.com",
            envelope.GetProperty("data").GetProperty("email").GetString());
        Assert.Empty(await DeliveryTable.ReadAsync(id));
    }

    [Fact]
    public async Task Test_delivery_without_a_type_sends_webhook_test()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");

        var outcome = await Json.ReadAsync(await org.PostAsync(
            $"webhooks/{webhook.GetProperty("id").GetString()}/test"));

        Assert.True(outcome.GetProperty("success").GetBoolean());
        Assert.Equal(200, outcome.GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("error").ValueKind);
        var request = Assert.Single(Receiver.Requests);
        Assert.Equal("webhook.test", request.Header("X-Webhook-Event"));
        new StandardWebhook(webhook.GetProperty("secret").GetString()!)
            .Verify(request.Text, Headers(request));
    }

    [Fact]
    public async Task Hanging_endpoint_fails_the_attempt_at_the_timeout()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");
        Receiver.Respond = (_, _) => new Reply(200, Hang: true);

        var outcome = await Json.ReadAsync(await org.PostAsync(
            $"webhooks/{webhook.GetProperty("id").GetString()}/test"));

        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("statusCode").ValueKind);
        Assert.Equal("No response within 2 s.", outcome.GetProperty("error").GetString());
        Assert.InRange(outcome.GetProperty("durationMs").GetInt64(), 1900, 5000);
    }

    [Fact]
    public async Task Refused_connection_is_a_failed_attempt()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync($"http://127.0.0.1:{FreePorts.Next()}/hook",
            "member.added");

        var outcome = await Json.ReadAsync(await org.PostAsync(
            $"webhooks/{webhook.GetProperty("id").GetString()}/test"));

        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal("The connection was refused.", outcome.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Only_enabled_subscribed_webhooks_receive_an_event()
    {
        await using var other = await Receiver.StartAsync();
        await using var disabled = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(Receiver.Url, "member.added");
        await org.CreateWebhookAsync(other.Url, "member.removed");
        var off = await org.CreateWebhookAsync(disabled.Url, "member.added");
        await org.PatchAsync($"webhooks/{off.GetProperty("id").GetString()}",
            new { enabled = false });

        var added = await org.PublishAsync("member.added",
            new { userId = "u1", email = "a@b.c", role = "admin", addedBy = "u0" });
        var removed = await org.PublishAsync("member.removed",
            new { userId = "u1", email = "a@b.c", removedBy = "u0" });

        Assert.Equal(1, added.GetProperty("deliveries").GetInt32());
        Assert.Equal(1, removed.GetProperty("deliveries").GetInt32());
        Assert.Equal("member.added", (await Receiver.WaitForAsync(1))[0].Header("X-Webhook-Event"));
        Assert.Equal("member.removed", (await other.WaitForAsync(1))[0].Header("X-Webhook-Event"));
        Assert.Empty(disabled.Requests);
    }

    [Fact]
    public async Task Deleting_a_webhook_cancels_its_pending_deliveries()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        var id = webhook.GetProperty("id").GetString()!;
        Receiver.Respond = (_, _) => new Reply(500);
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());
        await Receiver.WaitForAsync(1);

        Assert.Equal(HttpStatusCode.NoContent,
            (await org.DeleteAsync($"webhooks/{id}")).StatusCode);

        var delivery = await DeliveryTable.FinishedAsync(id);
        Assert.Equal("Failed", delivery.Status);
        Assert.Equal("webhook deleted", delivery.FailureReason);
    }

    [Fact]
    public async Task Disabling_a_webhook_fails_its_pending_retries()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");
        var id = webhook.GetProperty("id").GetString()!;
        Receiver.Respond = (_, _) => new Reply(500);
        await org.PublishAsync("tool.run.completed", Samples.RunCompleted());
        await Receiver.WaitForAsync(1);

        await org.PatchAsync($"webhooks/{id}", new { enabled = false });

        var delivery = await DeliveryTable.FinishedAsync(id);
        Assert.Equal("Failed", delivery.Status);
        Assert.Equal("webhook disabled", delivery.FailureReason);
    }

    private static void AssertGap(ReceivedRequest first, ReceivedRequest second, TimeSpan delay)
    {
        var gap = second.At - first.At;
        Assert.InRange(gap, delay - TimeSpan.FromMilliseconds(50),
            delay + TimeSpan.FromSeconds(1.5));
    }

    /// <summary>The receiver snippet Toolbox publishes, computed independently here.</summary>
    private static string HexSignature(string secret, byte[] body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static HeaderDictionary Headers(ReceivedRequest request) => new()
    {
        ["webhook-id"] = request.Header("webhook-id"),
        ["webhook-timestamp"] = request.Header("webhook-timestamp"),
        ["webhook-signature"] = request.Header("webhook-signature"),
    };
}
