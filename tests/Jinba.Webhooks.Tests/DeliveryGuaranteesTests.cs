using System.Diagnostics;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

[CollectionDefinition(Name)]
public sealed class DeliveryGuaranteesCollection : ICollectionFixture<DeliveryGuaranteesFixture>
{
    public const string Name = "delivery guarantees";
}

/// <summary>
/// A front silo whose reminder ticks every 200 ms, so each webhook with pending deliveries is
/// woken again and again while its timer drives the retries, one second apart.
/// </summary>
public sealed class DeliveryGuaranteesFixture : ApiFixture
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override void Adjust(Dictionary<string, string?> settings)
    {
        settings["Delivery:RetryDelays"] = "00:00:01,00:00:01,00:00:01";
        settings["Delivery:ReminderPeriod"] = "00:00:00.200";
        settings["Limits:MaxWebhooksPerOrg"] = "10";
    }
}

[Collection(DeliveryGuaranteesCollection.Name)]
public sealed class DeliveryGuaranteesTests(DeliveryGuaranteesFixture fixture,
    ITestOutputHelper output) : ReceiverTests
{
    private const string EventType = "tool.run.completed";

    [Fact]
    public async Task An_endpoint_down_for_two_retries_gets_the_event_on_the_third()
    {
        using var org = await fixture.NewOrgAsync();
        var id = await WebhookAsync(org, Receiver.Url);
        Receiver.Respond = (_, n) => n <= 3 ? new Reply(503) : Reply.Ok;

        await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_third_retry");

        var delivery = await DeliveryTable.FinishedAsync(id);
        Assert.Equal("Succeeded", delivery.Status);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal(4, Receiver.Requests.Count);
        var stats = (await GetWebhookAsync(org, id)).GetProperty("stats");
        Assert.Equal(0, stats.GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task An_endpoint_down_throughout_gets_four_attempts_and_one_final_failure()
    {
        using var org = await fixture.NewOrgAsync();
        var id = await WebhookAsync(org, Receiver.Url);
        Receiver.Respond = (_, _) => new Reply(500);

        await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_down_throughout");

        var delivery = await DeliveryTable.FinishedAsync(id);
        Assert.Equal("Failed", delivery.Status);
        Assert.Equal("retries exhausted", delivery.FailureReason);
        Assert.Equal(4, delivery.Attempts);
        Assert.Equal(4, Receiver.Requests.Count);
        var webhook = await GetWebhookAsync(org, id);
        Assert.True(webhook.GetProperty("enabled").GetBoolean());
        Assert.Equal(1, webhook.GetProperty("stats").GetProperty("consecutiveFailures").GetInt32());
    }

    [Fact]
    public async Task Five_final_failures_in_a_row_disable_the_webhook_until_it_is_enabled()
    {
        using var org = await fixture.NewOrgAsync();
        var id = await WebhookAsync(org, Receiver.Url);
        var up = false;
        Receiver.Respond = (_, _) => up ? Reply.Ok : new Reply(500);

        // Four in a row, then a success: the run starts over.
        await PublishAllAsync(org, "evt_run_a", 4);
        await FinishedAsync(id, failed: 4, succeeded: 0);
        Assert.Equal(4, ConsecutiveFailures(await GetWebhookAsync(org, id)));
        up = true;
        await PublishAllAsync(org, "evt_ok", 1);
        await FinishedAsync(id, failed: 4, succeeded: 1);
        Assert.Equal(0, ConsecutiveFailures(await GetWebhookAsync(org, id)));

        up = false;
        await PublishAllAsync(org, "evt_run_b", 5);
        await FinishedAsync(id, failed: 9, succeeded: 1);
        var disabled = await GetWebhookAsync(org, id);
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal("5 deliveries in a row failed",
            disabled.GetProperty("disabledReason").GetString());
        Assert.Equal(5, ConsecutiveFailures(disabled));

        var whileDisabled = await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_off");
        Assert.Equal(0, whileDisabled.GetProperty("deliveries").GetInt32());

        up = true;
        var enabled = await Json.ReadAsync(await org.PatchAsync($"webhooks/{id}",
            new { enabled = true }));
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabledReason").ValueKind);
        Assert.Equal(0, ConsecutiveFailures(enabled));
        var requestsBefore = Receiver.Requests.Count;
        await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_back");
        var arrived = await Receiver.WaitForAsync(requestsBefore + 1);
        Assert.Equal("evt_back", arrived[^1].Header("X-Webhook-Id"));
        await FinishedAsync(id, failed: 9, succeeded: 2);
        Assert.DoesNotContain(Receiver.Requests, request =>
            request.Header("X-Webhook-Id") == "evt_off");
    }

    [Fact]
    public async Task A_hanging_endpoint_never_delays_a_healthy_one()
    {
        const int events = 40;
        await using var healthy = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        var hangingId = await WebhookAsync(org, Receiver.Url);
        await WebhookAsync(org, healthy.Url);
        Receiver.Respond = (_, _) => new Reply(200, Hang: true);

        // Every event goes to both; the hanging webhook soon holds its whole quota of attempts
        // open and a queue behind them.
        var sent = new DateTimeOffset[events];
        var gate = new SemaphoreSlim(4);
        await Task.WhenAll(Enumerable.Range(0, events).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                sent[i] = DateTimeOffset.UtcNow;
                await org.PublishAsync(EventType, Samples.RunCompleted(), $"evt_beside_{i}");
            }
            finally
            {
                gate.Release();
            }
        }));

        var arrived = await healthy.WaitForAsync(events);
        var hanging = Receiver.Requests.Count;
        await org.DeleteAsync($"webhooks/{hangingId}");

        var lags = arrived.Select(request =>
        {
            var i = int.Parse(request.Header("X-Webhook-Id")["evt_beside_".Length..]);
            return request.At - sent[i];
        }).Order().ToList();
        output.WriteLine($"{hanging} requests hung at the other endpoint; the healthy one got "
            + $"each event {lags[lags.Count / 2].TotalMilliseconds:0} ms after its publish "
            + $"(median), {lags[^1].TotalMilliseconds:0} ms at most");
        Assert.Equal(events, arrived.Select(request => request.Header("X-Webhook-Id"))
            .Distinct().Count());
        Assert.True(hanging >= 16, $"only {hanging} requests reached the hanging endpoint");
        Assert.True(lags[^1] < TimeSpan.FromSeconds(1),
            $"a delivery to the healthy endpoint took {lags[^1].TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Extra_and_late_reminder_ticks_neither_repeat_nor_skip_an_attempt()
    {
        const int events = 20;
        using var org = await fixture.NewOrgAsync();
        var id = await WebhookAsync(org, Receiver.Url);
        var ledger = new DeliveryLedger();
        Receiver.Respond = ledger.Answer(request =>
            request.Header("X-Webhook-Id").StartsWith("evt_tick_", StringComparison.Ordinal)
                && ledger.Requests(request.Path, request.Header("X-Webhook-Id")) < 2
                ? new Reply(500)
                : Reply.Ok);
        var reminder = fixture.Grains.GetGrain<IWebhookGrain>(id).AsReference<IRemindable>();

        var ids = Enumerable.Range(0, events).Select(i => $"evt_tick_{i}").ToList();
        foreach (var eventId in ids)
        {
            await org.PublishAsync(EventType, Samples.RunCompleted(), eventId);
            ledger.Published("/hook", eventId);
        }

        // Besides the reminder's own tick every 200 ms, a storm of duplicate ticks while the
        // retries are pending.
        var ticks = 0;
        var clock = Stopwatch.StartNew();
        var complete = ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(30));
        while (!complete.IsCompleted)
        {
            await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => TickAsync(reminder)));
            ticks += 5;

            // Spacing the storm out over the retries, not waiting for anything.
            await Task.Delay(20);
        }

        await complete;
        await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
            rows => rows.Count == events && rows.All(row => row.Status == "Succeeded"),
            what: "every delivery to be recorded as succeeded");

        // Late ticks, after everything is done.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => TickAsync(reminder)));
        await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_marker");
        ledger.Published("/hook", "evt_marker");
        await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"{ticks} extra ticks over {clock.Elapsed.TotalSeconds:0.0} s");

        ledger.AssertComplete();
        Assert.Empty(ledger.Duplicates);
        Assert.All(ids, eventId => Assert.Equal(3, ledger.Requests("/hook", eventId)));
        Assert.Equal(1, ledger.Requests("/hook", "evt_marker"));
        var stored = await DeliveryTable.ReadAsync(id);
        Assert.All(stored.Where(row => row.EventId != "evt_marker"),
            row => Assert.Equal(3, row.Attempts));

        // No tick brought an attempt forward: each retry waited its whole delay.
        var byEvent = Receiver.Requests.GroupBy(request => request.Header("X-Webhook-Id"));
        foreach (var attempts in byEvent)
        {
            var times = attempts.Select(request => request.At).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                Assert.True(times[i] - times[i - 1] >= DeliveryGuaranteesFixture.RetryDelay
                        - TimeSpan.FromMilliseconds(20),
                    $"{attempts.Key}: attempt {i + 1} came {(times[i] - times[i - 1])
                        .TotalMilliseconds:0} ms after the one before");
            }
        }
    }

    [Fact]
    public async Task A_delivery_is_recovered_only_once_its_last_attempt_has_finished()
    {
        using var org = await fixture.NewOrgAsync();
        var id = await WebhookAsync(org, Receiver.Url);
        Receiver.Respond = (_, n) => n == 1
            ? new Reply(500, Delay: TimeSpan.FromSeconds(1.5))
            : Reply.Ok;
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Turned off and on again while the first attempt waits for its answer.
        await org.PublishAsync(EventType, Samples.RunCompleted(), "evt_recovered");
        await Receiver.WaitForAsync(1);
        await org.PatchAsync($"webhooks/{id}", new { enabled = false });
        await org.PatchAsync($"webhooks/{id}", new { enabled = true });
        var early = await RecoverAsync(org, id, since);
        var failed = (await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
            rows => rows.Count == 1 && rows[0].Attempts == 1,
            what: "the first attempt to be recorded"))[0];
        var later = await RecoverAsync(org, id, since);
        var delivered = await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
            rows => rows.Count == 1 && rows[0].Status == "Succeeded",
            what: "the recovered delivery to succeed");

        Assert.Equal(0, early);
        Assert.Equal(("Failed", "webhook disabled", 1),
            (failed.Status, failed.FailureReason, failed.Attempts));
        Assert.Equal(1, later);
        Assert.Equal(2, delivered[0].Attempts);
        Assert.Equal(2, Receiver.Requests.Count);
    }

    private static async Task<int> RecoverAsync(OrgClient org, string id, DateTimeOffset since)
    {
        var response = await org.PostAsync($"webhooks/{id}/recover", new { since });
        return (await Json.ReadAsync(response)).GetProperty("recovered").GetInt32();
    }

    private static Task TickAsync(IRemindable reminder) =>
        reminder.ReceiveReminder("pending-deliveries",
            new TickStatus(DateTime.UtcNow, TimeSpan.FromMilliseconds(200), DateTime.UtcNow));

    private static async Task<string> WebhookAsync(OrgClient org, string url) =>
        (await org.CreateWebhookAsync(url, EventType)).GetProperty("id").GetString()!;

    private static async Task<JsonElement> GetWebhookAsync(OrgClient org, string id) =>
        await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));

    private static int ConsecutiveFailures(JsonElement webhook) =>
        webhook.GetProperty("stats").GetProperty("consecutiveFailures").GetInt32();

    private static async Task PublishAllAsync(OrgClient org, string prefix, int count) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            org.PublishAsync(EventType, Samples.RunCompleted(), $"{prefix}_{i}")));

    private static async Task FinishedAsync(string webhookId, int failed, int succeeded) =>
        await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(webhookId),
            rows => rows.Count(row => row.Status == "Failed") == failed
                && rows.Count(row => row.Status == "Succeeded") == succeeded
                && rows.All(row => row.Status != "Pending"),
            TimeSpan.FromSeconds(30), $"{failed} failed and {succeeded} succeeded deliveries");
}
