using System.Diagnostics;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

[CollectionDefinition(Name)]
public sealed class BacklogCollection
{
    public const string Name = "backlog";
}

/// <summary>
/// Ten thousand events for an endpoint that is down, held as pending retries far beyond the size
/// of the delivery log, then delivered when it comes back. Everything goes to 127.0.0.1.
/// </summary>
[Collection(BacklogCollection.Name)]
public sealed class BacklogTests(ITestOutputHelper output)
{
    private const int Events = 10_000;
    private const int Parallelism = 200;
    private const int LogSize = 1_000;
    private const int TrimEvery = 100;
    private const string EventType = "tool.run.completed";

    [Fact]
    public async Task Ten_thousand_events_for_a_dead_endpoint_all_arrive_once_it_is_back()
    {
        var logs = new LogCapture();
        var settings = await FrontSiloInstance.SettingsAsync();

        // The producer's key may publish as fast as the silo takes it.
        settings["RateLimit:PermitsPerSecond"] = "100000";
        settings["RateLimit:Burst"] = "100000";
        // The first retry comes after the whole backlog is published; the later ones leave
        // room for a machine that publishes more slowly.
        settings["Delivery:RetryDelays"] = "00:00:30,00:00:10,00:00:10,00:00:10,00:00:10";
        settings["Limits:DeliveryLogSize"] = LogSize.ToString();
        await using var silo = await FrontSiloInstance.StartAsync(settings,
            builder => builder.Logging.AddProvider(logs));

        var port = FreePorts.Next();
        using var org = await silo.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync($"http://127.0.0.1:{port}/hook", EventType);
        var id = webhook.GetProperty("id").GetString()!;
        var ledger = new DeliveryLedger();

        // Before the outage, a few deliveries succeed and stay in the log.
        await using (var before = await Receiver.StartAsync(port))
        {
            before.Respond = ledger.Answer(_ => Reply.Ok);
            await PublishAsync(org, ledger, "evt_before", 5);
            await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(20));
            await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
                rows => rows.Count(row => row.Status == "Succeeded") == 5,
                what: "the deliveries before the outage to be recorded");
        }

        // Now nothing listens on the port, so every connection is refused.
        var clock = Stopwatch.StartNew();
        await PublishAsync(org, ledger, "evt_backlog", Events);
        var published = clock.Elapsed;
        await Eventually.MatchAsync(() => StatsAsync(org, id),
            stats => stats.GetProperty("failures24h").GetInt32() >= Events,
            TimeSpan.FromSeconds(60), "a refused first attempt of every event");
        var attempted = clock.Elapsed;

        // Ten times the log's size held pending, and the finished deliveries still beside them.
        var held = await DeliveryTable.ReadAsync(id);
        Assert.Equal(Events, held.Count(row => row.Status == "Pending"));
        Assert.Equal(5, held.Count(row => row.Status == "Succeeded"));

        await using var receiver = await Receiver.StartAsync(port);
        receiver.Respond = ledger.Answer(_ => Reply.Ok);
        var back = clock.Elapsed;
        await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(150));
        var drained = clock.Elapsed;
        var arrivals = receiver.Requests.Select(request => request.At).Order().ToList();
        var rate = arrivals.Count / (arrivals[^1] - arrivals[0]).TotalSeconds;

        // New deliveries make the log trim itself back to its size.
        await PublishAsync(org, ledger, "evt_after", TrimEvery);
        await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(20));
        var kept = await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
            rows => rows.Count <= LogSize + TrimEvery && rows.All(row => row.Status != "Pending"),
            TimeSpan.FromSeconds(30), "the log to be trimmed to its size");

        output.WriteLine($"published {Events} events in {published.TotalSeconds:0.0} s "
            + $"({Events / published.TotalSeconds:0} per second, {Parallelism} at a time); "
            + $"every first attempt refused by {attempted.TotalSeconds:0.0} s; endpoint back at "
            + $"{back.TotalSeconds:0.0} s; backlog drained at {drained.TotalSeconds:0.0} s, "
            + $"{rate:0} deliveries per second once due; {ledger.Duplicates.Count} duplicates; "
            + $"{kept.Count} deliveries left in the log after it was trimmed");

        ledger.AssertComplete();
        Assert.All(ledger.Duplicates.Values, count => Assert.True(count <= 2));
        Assert.InRange(kept.Count, LogSize, LogSize + TrimEvery);
        Assert.DoesNotContain(logs.Entries, entry =>
            entry.Level >= LogLevel.Error || entry.Exception is not null);
    }

    /// <summary>
    /// Publishes with a bounded number of requests under way, and books each acknowledged event
    /// under the id the service gave it.
    /// </summary>
    private static async Task PublishAsync(OrgClient org, DeliveryLedger ledger, string prefix,
        int count)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Parallelism };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), options, async (i, _) =>
        {
            var accepted = await org.PublishAsync(EventType, Samples.RunCompleted($"{prefix}_{i}"));
            ledger.Published("/hook", accepted.GetProperty("id").GetString()!);
        });
    }

    private static async Task<JsonElement> StatsAsync(OrgClient org, string id) =>
        (await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"))).GetProperty("stats");
}
