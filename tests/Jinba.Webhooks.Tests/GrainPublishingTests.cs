using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Events;
using Jinba.Webhooks.Storage;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(WebhookClusterCollection.Name)]
public sealed class GrainPublishingTests(WebhookClusterFixture cluster)
{
    private const string MemberRemovedData =
        """{ "userId": "usr_ada", "email": "ada@example.com", "removedBy": "usr_grace" }""";

    [Fact]
    public async Task Typed_publish_delivers_one_signed_envelope_with_the_extra_field()
    {
        await using var receiver = await Receiver.StartAsync();
        var orgId = WebhookClusterFixture.NewOrgId();
        var webhook = await cluster.CreateWebhookAsync(orgId, receiver.Url, EventTypes.MemberAdded);
        var member = new MemberAdded("usr_ada", "ada@example.com", "admin", "usr_grace")
        {
            Extra = new() { ["invitedVia"] = JsonSerializer.SerializeToElement("sso") },
        };
        var happenedAt = new DateTimeOffset(2024, 1, 15, 10, 0, 0, 123, TimeSpan.Zero);

        var result = await new WebhookPublisher(cluster.Client)
            .PublishAsync(orgId, member, timestamp: happenedAt);

        await WaitUntilSucceededAsync(webhook.Id, expected: 1);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(1, result.Deliveries);
        Assert.Matches("^evt_[0-9A-Z]{26}$", result.Id);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        JsonAssert.Equal($$"""
            {
              "id": "{{result.Id}}",
              "event": "member.added",
              "orgId": "{{orgId}}",
              "timestamp": "2024-01-15T10:00:00.123Z",
              "data": {
                "userId": "usr_ada",
                "email": "ada@example.com",
                "role": "admin",
                "addedBy": "usr_grace",
                "invitedVia": "sso"
              }
            }
            """, request.Body);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("member.added", request.Header("X-Webhook-Event"));
        Assert.Equal(result.Id, request.Header("X-Webhook-Id"));
        Assert.Equal(Signature(webhook.Secret, request.Body),
            request.Header("X-Webhook-Signature"));
    }

    [Fact]
    public async Task Publishing_an_accepted_id_again_returns_the_first_result_and_sends_nothing()
    {
        await using var receiver = await Receiver.StartAsync();
        var orgId = WebhookClusterFixture.NewOrgId();
        var webhook = await cluster.CreateWebhookAsync(orgId, receiver.Url,
            EventTypes.MemberRemoved);
        var organization = cluster.Organization(orgId);
        var publication = new EventPublication
        {
            Event = EventTypes.MemberRemoved,
            Data = MemberRemovedData,
            Id = "evt_once_" + orgId,
        };

        var first = await organization.PublishAsync(publication);
        await receiver.WaitForAsync(1);
        var again = await organization.PublishAsync(publication);

        // Whatever the repeat had queued would be durable before it returned, so once this later
        // event has arrived the store and the receiver show everything the repeat caused.
        var marker = await organization.PublishAsync(publication with { Id = "evt_next_" + orgId });
        var received = await receiver.WaitForAsync(2);

        Assert.Equal(new PublishResult(publication.Id, 1), first);
        Assert.Equal(first, again);
        Assert.Equal(new PublishResult("evt_next_" + orgId, 1), marker);
        var sent = new[] { publication.Id, marker.Id }.Order().ToList();
        Assert.Equal(sent, received.Select(request => request.Header("X-Webhook-Id")).Order());
        Assert.Equal(sent, NewDeliveries(webhook.Id).Order());
    }

    [Fact]
    public async Task Idempotency_outlives_the_organization_activation()
    {
        await using var receiver = await Receiver.StartAsync();
        var orgId = WebhookClusterFixture.NewOrgId();
        var webhook = await cluster.CreateWebhookAsync(orgId, receiver.Url,
            EventTypes.MemberRemoved);
        var publication = new EventPublication
        {
            Event = EventTypes.MemberRemoved,
            Data = MemberRemovedData,
            Id = "evt_kept_" + orgId,
        };

        var first = await cluster.Organization(orgId).PublishAsync(publication);
        await cluster.Cluster.DeactivateAsync(cluster.Organization(orgId));
        var again = await cluster.Organization(orgId).PublishAsync(publication);

        Assert.Equal(new PublishResult(publication.Id, 1), first);
        Assert.Equal(first, again);
        Assert.Equal([publication.Id], NewDeliveries(webhook.Id));
        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(publication.Id, request.Header("X-Webhook-Id"));
    }

    private IEnumerable<string> NewDeliveries(string webhookId) =>
        cluster.Deliveries.WritesFor(webhookId)
            .SelectMany(write => write)
            .Where(saved => saved.IsNew)
            .Select(saved => saved.EventId);

    /// <summary>Once a delivery is recorded as succeeded, no other attempt of it follows.</summary>
    private async Task WaitUntilSucceededAsync(string webhookId, int expected) =>
        await Eventually.MatchAsync(
            () => Task.FromResult(cluster.Deliveries.WritesFor(webhookId)
                .SelectMany(write => write)
                .Count(saved => saved.Status == DeliveryStatus.Succeeded)),
            succeeded => succeeded >= expected,
            what: $"{expected} succeeded deliveries of {webhookId}");

    private static string Signature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
