using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// A key opens its own organization and nothing else: every route answers a key of another
/// organization exactly as if nothing existed there, and changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFixture fixture) : ReceiverTests
{
    [Theory]
    [MemberData(nameof(OrgRoutes.Names), MemberType = typeof(OrgRoutes))]
    public async Task A_key_of_another_org_gets_404_and_learns_nothing(string name)
    {
        var route = OrgRoutes.Named(name);
        var victim = await VictimAsync();
        using var victimOrg = victim.Org;
        using var attacker = await fixture.NewOrgAsync();
        var before = await OrgSnapshot.TakeAsync(victim.Org, victim.WebhookId);
        var (noWebhook, noDelivery) = UnknownIds();

        var real = await SendAsync(attacker, victim.Org.OrgId, route, victim);
        var unknown = await SendAsync(attacker, victim.Org.OrgId, route, victim with
        {
            WebhookId = noWebhook,
            DeliveryId = noDelivery,
        });
        var nowhere = await SendAsync(attacker, "org_nowhere", route, victim);
        var answers = new List<HttpResponseMessage> { real, unknown, nowhere };
        if (route.NamesWebhook)
        {
            // The attacker's own organization, naming the victim's ids or ids that exist nowhere.
            answers.Add(await SendAsync(attacker, attacker.OrgId, route, victim));
            answers.Add(await SendAsync(attacker, attacker.OrgId, route, victim with
            {
                WebhookId = noWebhook,
                DeliveryId = noDelivery,
            }));
        }

        var bodies = new List<string>();
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            bodies.Add(await WithoutTraceIdAsync(answer));
        }

        Assert.Equal(bodies[0], bodies[1]);
        Assert.Equal(bodies[0], bodies[2]);
        if (route.NamesWebhook)
        {
            Assert.Equal(bodies[3], bodies[4]);
        }

        Assert.Equal(before, await OrgSnapshot.TakeAsync(victim.Org, victim.WebhookId));
        Assert.Single(Receiver.Requests);
    }

    [Theory]
    [MemberData(nameof(OrgRoutes.Names), MemberType = typeof(OrgRoutes))]
    public async Task A_revoked_key_gets_401_on_its_next_call(string name)
    {
        var route = OrgRoutes.Named(name);
        var owner = await VictimAsync();
        using var ownerOrg = owner.Org;
        var spareKey = await fixture.Silo.NewKeyAsync(owner.Org.OrgId);
        using var spare = new OrgClient(owner.Org.OrgId, spareKey, fixture.Silo.Client(spareKey));
        var before = await OrgSnapshot.TakeAsync(spare, owner.WebhookId);

        using var op = fixture.Operator();
        var keys = await Json.ReadAsync(await op.GetAsync($"/v1/orgs/{owner.Org.OrgId}/api-keys"));
        var keyId = keys.GetProperty("data")[0].GetProperty("id").GetString();
        var revoked = await op.DeleteAsync($"/v1/orgs/{owner.Org.OrgId}/api-keys/{keyId}");
        var response = await SendAsync(owner.Org, owner.Org.OrgId, route, owner);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await OrgSnapshot.TakeAsync(spare, owner.WebhookId));
        Assert.Single(Receiver.Requests);
    }

    /// <summary>An organization with a webhook and one finished delivery to it.</summary>
    private async Task<Victim> VictimAsync()
    {
        var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");
        var webhookId = webhook.GetProperty("id").GetString()!;
        await org.PublishAsync("member.added",
            new { userId = "u1", email = "a@b.c", role = "admin", addedBy = "u0" });
        var delivery = await DeliveryTable.FinishedAsync(webhookId);
        Assert.Equal("Succeeded", delivery.Status);
        return new Victim(org, webhookId, delivery.Id);
    }

    private static (string Webhook, string Delivery) UnknownIds() =>
        (Ids.NewWebhook(DateTimeOffset.UtcNow), Ids.NewDelivery(DateTimeOffset.UtcNow));

    private static Task<HttpResponseMessage> SendAsync(OrgClient caller, string orgId,
        OrgRoute route, Victim ids) =>
        caller.Http.SendAsync(route.Request(orgId, ids.WebhookId, ids.DeliveryId));

    private static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(problem.Remove("traceId"));
        return problem.ToJsonString();
    }

    private sealed record Victim(OrgClient Org, string WebhookId, string DeliveryId);
}
