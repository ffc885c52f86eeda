using System.Diagnostics;
using Jinba.Webhooks.Events;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jinba.Webhooks.Tests;

[Collection(Name)]
public sealed class DurableRetryTests(ITestOutputHelper output)
{
    public const string Name = "durable retry";

    [Fact]
    public async Task A_pending_retry_outlives_its_silo_and_the_next_silo_delivers_it()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Respond = (_, _) => new Reply(500);
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["Delivery:RetryDelays"] = "00:00:02,00:00:02,00:00:02";
        settings["Delivery:ReminderPeriod"] = "00:00:02";
        var orgId = "org_" + Guid.NewGuid().ToString("N")[..10];
        var clock = Stopwatch.StartNew();

        PublishResult published;
        ReceivedRequest failed;
        await using (var siloA = await FrontSiloInstance.StartAsync(settings))
        {
            var grains = siloA.Services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<IOrganizationGrain>(orgId).CreateWebhookAsync(new WebhookDraft
            {
                Url = receiver.Url,
                Events = [EventTypes.MemberRemoved],
            });
            published = await new WebhookPublisher(grains)
                .PublishAsync(orgId, new MemberRemoved("usr_ada", "ada@example.com", "usr_grace"));
            failed = (await receiver.WaitForAsync(1))[0];
            output.WriteLine($"silo A started and made the failed attempt in {clock.Elapsed}");
            clock.Restart();
        }

        // A clean stop marks silo A dead in the membership table, so silo B joins at once
        // instead of first having to vote out a silo that no longer answers.
        output.WriteLine($"silo A stopped in {clock.Elapsed}");

        var answered = new TaskCompletionSource<ReceivedRequest>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = (request, _) =>
        {
            answered.TrySetResult(request);
            return Reply.Ok;
        };
        settings["Orleans:SiloPort"] = FreePorts.Next().ToString();
        settings["Orleans:GatewayPort"] = FreePorts.Next().ToString();
        clock.Restart();
        await using var siloB = await FrontSiloInstance.StartAsync(settings);
        output.WriteLine($"silo B started in {clock.Elapsed}");

        // Nothing calls the webhook on silo B: only its reminder can bring the retry back.
        var delivered = await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"silo B delivered the retry {clock.Elapsed} after it was started");

        Assert.Equal(1, published.Deliveries);
        Assert.Equal(published.Id, failed.Header("X-Webhook-Id"));
        Assert.Equal(published.Id, delivered.Header("X-Webhook-Id"));
        Assert.Equal(published.Id, delivered.Json.GetProperty("id").GetString());
        Assert.Equal(failed.Body, delivered.Body);
    }
}
