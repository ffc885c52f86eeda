using System.Diagnostics;
using Jinba.Webhooks.Events;
using Jinba.Webhooks.Storage;
using Jinba.Webhooks.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

[Collection(WebhookClusterCollection.Name)]
public sealed class DeliveryWriteBatchingTests(WebhookClusterFixture cluster,
    ITestOutputHelper output)
{
    private const int EventCount = 300;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_publishes_to_one_webhook_share_their_delivery_writes(
        bool producerIds)
    {
        await using var receiver = await Receiver.StartAsync();
        var orgId = WebhookClusterFixture.NewOrgId();
        var webhook = await cluster.CreateWebhookAsync(orgId, receiver.Url,
            EventTypes.ToolRunCompleted);
        var publisher = new WebhookPublisher(cluster.Client);
        var runs = Enumerable.Range(1, EventCount)
            .Select(n => new ToolRunCompleted($"run_{n:000}", "my-toolset", "my-tool", n))
            .ToList();
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(runs.Select(run => publisher.PublishAsync(orgId, run,
            producerIds ? "evt_" + run.RunId : null)));
        var published = clock.Elapsed;
        await receiver.WaitForAsync(EventCount, TimeSpan.FromSeconds(30));
        var delivered = clock.Elapsed;
        var writes = await Eventually.MatchAsync(
            () => Task.FromResult(cluster.Deliveries.WritesFor(webhook.Id)),
            all => Saved(all, DeliveryStatus.Succeeded).Count() == EventCount,
            what: $"{EventCount} deliveries recorded as succeeded");

        var writesWithNew = writes.Count(write => write.Any(saved => saved.IsNew));
        output.WriteLine($"{EventCount} publishes acknowledged in "
            + $"{published.TotalMilliseconds:0} ms, all delivered in "
            + $"{delivered.TotalMilliseconds:0} ms");
        output.WriteLine($"{writesWithNew} delivery store writes carried the {EventCount} new "
            + $"deliveries; {writes.Count} writes and {writes.Sum(write => write.Count)} records "
            + "in all");

        Assert.All(results, result => Assert.Equal(1, result.Deliveries));
        var runIdsByEvent = results.Zip(runs).ToDictionary(
            pair => pair.First.Id, pair => pair.Second.RunId);
        Assert.Equal(EventCount, runIdsByEvent.Count);
        Assert.Equal(EventCount, receiver.Requests.Count);
        Assert.All(receiver.Requests, request => Assert.Equal(
            runIdsByEvent[request.Header("X-Webhook-Id")],
            request.Json.GetProperty("data").GetProperty("runId").GetString()));
        Assert.Equal(runIdsByEvent.Keys.Order(),
            receiver.Requests.Select(request => request.Header("X-Webhook-Id")).Order());

        Assert.InRange(writesWithNew, 1, 99);
        var created = writes.SelectMany(write => write).Where(saved => saved.IsNew).ToList();
        Assert.Equal(runIdsByEvent.Keys.Order(), created.Select(saved => saved.EventId).Order());
        Assert.Equal(EventCount, created.Select(saved => saved.Id).Distinct().Count());
        Assert.Equal(created.Select(saved => saved.Id).Order(),
            Saved(writes, DeliveryStatus.Succeeded).Select(saved => saved.Id).Order());
        Assert.Equal(2 * EventCount, writes.Sum(write => write.Count));
    }

    private static IEnumerable<SavedDelivery> Saved(
        IEnumerable<IReadOnlyList<SavedDelivery>> writes, DeliveryStatus status) =>
        writes.SelectMany(write => write).Where(saved => saved.Status == status);
}
