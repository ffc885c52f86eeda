using System.Diagnostics;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

[CollectionDefinition(Name)]
public sealed class ClusterRestartCollection
{
    public const string Name = "cluster restart";
}

[Collection(ClusterRestartCollection.Name)]
public sealed class ClusterRestartTests(ITestOutputHelper output)
{
    private const string EventType = "tool.run.completed";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Retries_pending_when_the_whole_cluster_stops_go_out_on_time_after_restart()
    {
        var settings = await SiloClusterFixture.SettingsAsync();
        settings["Delivery:RetryDelays"] = "00:00:10,00:00:10,00:00:10";
        settings["Delivery:ReminderPeriod"] = "00:00:02";
        await using var receiver = await Receiver.StartAsync();
        var ledger = new DeliveryLedger();
        receiver.Respond = ledger.Answer(request =>
            ledger.Requests(request.Path, request.Header("X-Webhook-Id")) == 0
                ? new Reply(500)
                : Reply.Ok);
        var producer = new StubbornProducer(ledger);
        var clock = Stopwatch.StartNew();

        // The first cluster: a front silo and a worker, two webhooks started on each, three
        // events for each webhook, and every first attempt refused.
        var front = await FrontSiloInstance.StartAsync(settings);
        var worker = await WorkerSiloProcess.StartAsync("worker-a", settings);
        var orgs = new List<PlacedOrg>();
        try
        {
            var grains = front.Services.GetRequiredService<IGrainFactory>();
            await SiloClusterFixture.WaitForMembersAsync(grains, [worker]);
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            foreach (var silo in hosts.Keys)
            {
                var urls = Enumerable.Range(0, 2).Select(n =>
                    new Uri(receiver.BaseUrl, $"/r{orgs.Count}/h{n}").ToString());
                orgs.Add(await SiloClusterFixture.NewOrgOnAsync(grains, silo, front, urls,
                    EventType));
            }

            await Task.WhenAll(orgs.SelectMany(org => Enumerable.Range(0, 3).Select(i =>
                producer.PublishAsync(org, $"evt_restart_{org.Client.OrgId}_{i}",
                    TimeSpan.FromSeconds(30)))));
            await Eventually.MatchAsync(() => Task.FromResult(receiver.Requests.Count),
                count => count == ledger.PublishedCount, what: "every first attempt");
        }
        finally
        {
            await Task.WhenAll(worker.StopAsync(), front.DisposeAsync().AsTask());
            await worker.DisposeAsync();
            orgs.ForEach(org => org.Dispose());
        }

        var stopped = clock.Elapsed;

        // A new cluster on the same storage, on other ports, and nothing told what was pending.
        settings["Orleans:SiloPort"] = FreePorts.Next().ToString();
        settings["Orleans:GatewayPort"] = FreePorts.Next().ToString();
        var newFront = await FrontSiloInstance.StartAsync(settings);
        var newWorker = await WorkerSiloProcess.StartAsync("worker-b", settings);
        try
        {
            var grains = newFront.Services.GetRequiredService<IGrainFactory>();
            await SiloClusterFixture.WaitForMembersAsync(grains, [newWorker]);
            var restarted = DateTimeOffset.UtcNow;
            var restartTook = clock.Elapsed - stopped;

            await ledger.WaitUntilCompleteAsync(TimeSpan.FromSeconds(40));

            ledger.AssertComplete();
            Assert.Empty(ledger.Duplicates);
            var lateness = new List<TimeSpan>();
            foreach (var attempts in receiver.Requests
                .GroupBy(request => (request.Path, request.Header("X-Webhook-Id"))))
            {
                var (failed, retried) = (attempts.First(), attempts.Last());
                Assert.Equal(2, attempts.Count());

                // Never before its due time; after it, only as late as a cluster that was not
                // yet up and a reminder tick to wake the webhook explain.
                var due = failed.At + RetryDelay;
                var latest = (due > restarted ? due : restarted) + ReminderPeriod
                    + TimeSpan.FromSeconds(2);
                Assert.InRange(retried.At, due - TimeSpan.FromMilliseconds(50), latest);
                lateness.Add(retried.At - due);
            }

            output.WriteLine($"the first cluster failed {ledger.PublishedCount} first attempts "
                + $"and stopped at {stopped.TotalSeconds:0.0} s; the new one was up "
                + $"{restartTook.TotalSeconds:0.0} s later; retries came "
                + $"{lateness.Min().TotalMilliseconds:0} to {lateness.Max().TotalMilliseconds:0} "
                + "ms after their due time");
        }
        finally
        {
            await newWorker.StopAsync();
            await newWorker.DisposeAsync();
            await newFront.DisposeAsync();
        }
    }
}
