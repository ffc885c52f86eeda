using System.Diagnostics;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// A three-silo cluster losing a worker while events stream in: killed as by a crash, or
/// stopped as by an orchestrator. Either way every acknowledged event arrives.
/// </summary>
[Collection(SiloClusterCollection.Name)]
public sealed class SiloFailureTests(SiloClusterFixture cluster, ITestOutputHelper output)
{
    private const string EventType = "tool.run.completed";

    [Fact]
    public async Task A_worker_killed_mid_stream_loses_no_acknowledged_event()
    {
        const int events = 300;
        var workers = await cluster.EnsureWorkersAsync(2);
        var victim = workers[1];
        var silos = new[]
        {
            cluster.FrontAddress,
            await cluster.AddressOfAsync(workers[0]),
            await cluster.AddressOfAsync(victim),
        };
        await using var receiver = await Receiver.StartAsync();
        var ledger = new DeliveryLedger();

        // A first attempt of one event in four fails, so retries are pending when the silo dies;
        // the others take a moment to answer, so attempts are in flight.
        receiver.Respond = ledger.Answer(request =>
            ledger.Requests(request.Path, request.Header("X-Webhook-Id")) == 0
                && Index(request) % 4 == 0
                ? new Reply(500)
                : new Reply(200, Delay: TimeSpan.FromMilliseconds(50)));

        // Twenty webhooks in seven organizations, each started on one of the three silos.
        var orgs = new List<PlacedOrg>();
        for (var i = 0; i < 7; i++)
        {
            var urls = Enumerable.Range(0, i < 6 ? 3 : 2)
                .Select(n => new Uri(receiver.BaseUrl, $"/o{i}/h{n}").ToString());
            orgs.Add(await SiloClusterFixture.NewOrgOnAsync(cluster.Grains, silos[i % 3],
                cluster.Front, urls, EventType));
        }

        var onVictim = new HashSet<string>();
        foreach (var webhook in orgs.SelectMany(org => org.Webhooks))
        {
            if (await cluster.WhereIsAsync(Webhook(webhook.Id)) == silos[2])
            {
                onVictim.Add(new Uri(webhook.Url).AbsolutePath);
            }
        }

        Assert.NotEmpty(onVictim);
        output.WriteLine($"{onVictim.Count} of 20 webhooks started on the silo to be killed");

        var producer = new StubbornProducer(ledger);
        var tries = new int[events];
        var next = -1;
        var acknowledged = 0;
        Task? killing = null;
        var clock = Stopwatch.StartNew();
        TimeSpan killedAt = default;
        TimeSpan declaredDead = default;

        async Task KillAsync()
        {
            killedAt = clock.Elapsed;
            await victim.KillAsync();
            await Eventually.MatchAsync(() => SiloClusterFixture.ActivePortsAsync(cluster.Grains),
                active => !active.Contains(victim.SiloPort), TimeSpan.FromSeconds(30),
                "the killed silo to be declared dead");
            declaredDead = clock.Elapsed;
        }

        async Task PublishAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events)
            {
                tries[i] = await producer.PublishAsync(orgs[i % orgs.Count], $"evt_kill_{i}",
                    TimeSpan.FromSeconds(60));
                if (Interlocked.Increment(ref acknowledged) == events / 3)
                {
                    killing = KillAsync();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PublishAsync()));
        var published = clock.Elapsed;
        await killing!;

        await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(60));
        var delivered = clock.Elapsed;
        var stored = await AllSucceededAsync(orgs.SelectMany(org => org.Webhooks));

        var duplicates = ledger.Duplicates;
        output.WriteLine($"killed after {killedAt.TotalSeconds:0.0} s; all {events} events "
            + $"acknowledged at {published.TotalSeconds:0.0} s ({producer.Retried} needed more "
            + $"than one try); dead silo noticed at {declaredDead.TotalSeconds:0.0} s; all "
            + $"{ledger.PublishedCount} deliveries in at {delivered.TotalSeconds:0.0} s; "
            + $"{duplicates.Count} arrived twice or more "
            + $"({duplicates.Values.Sum() - duplicates.Count} extra requests, "
            + $"{duplicates.Keys.Count(key => onVictim.Contains(key.Path))} of them at webhooks "
            + "that started on the killed silo)");

        ledger.AssertComplete();

        // A publish tried again may queue an event again, and the crash may repeat one attempt
        // of a delivery: one whose answer died with the silo, or one a webhook grain made while
        // it was being moved off a directory partition the killed silo held.
        foreach (var ((path, eventId), count) in duplicates)
        {
            var allowed = tries[int.Parse(eventId["evt_kill_".Length..])] + 1;
            Assert.True(count <= allowed,
                $"{eventId} reached {path} {count} times; at most {allowed} were possible");
        }

        // But once a success is recorded, nothing sends that delivery again.
        AssertOneSuccessEach(stored);
    }

    [Fact]
    public async Task A_worker_stopped_with_attempts_in_flight_hands_over_every_delivery()
    {
        var workers = await cluster.EnsureWorkersAsync(2);
        var leaving = workers[0];
        var leavingAddress = await cluster.AddressOfAsync(leaving);
        await using var receiver = await Receiver.StartAsync();
        var ledger = new DeliveryLedger();

        // Slow answers keep attempts in flight at the stop. A first attempt of one event in
        // three is asked to come back in five seconds, so retries are still pending when the silo
        // has gone, and only another silo can make them.
        var replyDelay = TimeSpan.FromSeconds(1);
        receiver.Respond = ledger.Answer(request =>
            ledger.Requests(request.Path, request.Header("X-Webhook-Id")) == 0
                && Index(request) % 3 == 0
                ? new Reply(503, new Dictionary<string, string> { ["Retry-After"] = "5" })
                : new Reply(200, Delay: replyDelay));

        var orgs = new List<PlacedOrg>();
        for (var i = 0; i < 2; i++)
        {
            var urls = Enumerable.Range(0, 3)
                .Select(n => new Uri(receiver.BaseUrl, $"/s{i}/h{n}").ToString());
            orgs.Add(await SiloClusterFixture.NewOrgOnAsync(cluster.Grains, leavingAddress,
                cluster.Front, urls, EventType));
        }

        var webhooks = orgs.SelectMany(org => org.Webhooks).ToList();
        foreach (var webhook in webhooks)
        {
            Assert.Equal(leavingAddress, await cluster.WhereIsAsync(Webhook(webhook.Id)));
        }

        var producer = new StubbornProducer(ledger);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            producer.PublishAsync(orgs[i % 2], $"evt_stop_{i}", TimeSpan.FromSeconds(30))));

        var clock = Stopwatch.StartNew();
        var stopRequested = DateTimeOffset.UtcNow;
        await leaving.StopAsync();
        var stopTook = clock.Elapsed;

        // What storage still holds as pending is guarded by a reminder, or nothing would resume it.
        var reminders = cluster.Front.Services.GetRequiredService<IReminderTable>();
        var pendingLeft = 0;
        foreach (var webhook in webhooks)
        {
            var pending = (await DeliveryTable.ReadAsync(webhook.Id))
                .Count(row => row.Status == "Pending");
            pendingLeft += pending;
            if (pending > 0)
            {
                var reminder = await reminders.ReadRow(Webhook(webhook.Id).GetGrainId(),
                    "pending-deliveries");
                Assert.True(reminder is not null,
                    $"{webhook.Id} has {pending} pending deliveries and no reminder");
            }
        }

        await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(30));
        var stored = await AllSucceededAsync(webhooks);
        var finished = clock.Elapsed;

        // An attempt that arrived less than its reply delay before the stop was still waiting for
        // its answer when the stop began.
        var inFlight = receiver.Requests.Count(request => request.At < stopRequested
            && request.At > stopRequested - replyDelay);
        output.WriteLine($"the stop took {stopTook.TotalSeconds:0.0} s with {inFlight} attempts "
            + $"in flight; it left {pendingLeft} deliveries pending, each under a reminder; all "
            + $"{ledger.PublishedCount} deliveries succeeded {finished.TotalSeconds:0.0} s after "
            + "the stop began");

        ledger.AssertComplete();
        Assert.True(inFlight > 0, "no attempt was in flight when the silo was stopped");

        // The stopped silo is gone, so what it left pending was finished by the others.
        Assert.True(pendingLeft > 0, "the stop left no retry pending for the others to make");

        // A clean stop records the outcome of every attempt it made, so nothing is sent twice.
        Assert.Empty(ledger.Duplicates);
        AssertOneSuccessEach(stored);
    }

    /// <summary>
    /// Waits until storage holds every delivery of these webhooks as succeeded: from then on no
    /// attempt can follow, so the ledger is final.
    /// </summary>
    private static async Task<List<StoredDelivery>> AllSucceededAsync(
        IEnumerable<Webhook> webhooks)
    {
        var stored = new List<StoredDelivery>();
        foreach (var webhook in webhooks)
        {
            stored.AddRange(await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(webhook.Id),
                rows => rows.All(row => row.Status == "Succeeded"), TimeSpan.FromSeconds(30),
                $"every delivery of {webhook.Id} to be recorded as succeeded"));
        }

        return stored;
    }

    /// <summary>Each stored delivery shows exactly one successful attempt.</summary>
    private static void AssertOneSuccessEach(IEnumerable<StoredDelivery> stored) =>
        Assert.Empty(stored
            .Where(delivery => delivery.StatusCodes.Count(code => code == 200) != 1)
            .Select(delivery => $"{delivery.EventId}: {string.Join(", ", delivery.StatusCodes)}"));

    /// <summary>The number at the end of a test's event id.</summary>
    private static int Index(ReceivedRequest request) =>
        int.Parse(request.Header("X-Webhook-Id").Split('_')[^1]);

    private IWebhookGrain Webhook(string id) => cluster.Grains.GetGrain<IWebhookGrain>(id);
}
