using System.Net;
using System.Net.Http.Json;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class ApiKeysTests(ApiFixture fixture)
{
    [Fact]
    public async Task Operator_creates_a_key_that_is_shown_once_and_listed_without_it()
    {
        using var op = fixture.Operator();
        var created = await op.PostAsync("/v1/orgs/org_keys1/api-keys", null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await Json.ReadAsync(created);
        Assert.Equal(["createdAt", "id", "key", "orgId"], Json.Keys(key));
        Assert.Equal("org_keys1", key.GetProperty("orgId").GetString());
        Assert.Matches("^jtb_[A-Za-z0-9_-]{43}$", key.GetProperty("key").GetString());
        Assert.Matches("^key_[0-9A-Z]{26}$", key.GetProperty("id").GetString());
        Assert.Equal($"/v1/orgs/org_keys1/api-keys/{key.GetProperty("id").GetString()}",
            created.Headers.Location!.ToString());

        var list = await Json.ReadAsync(await op.GetAsync("/v1/orgs/org_keys1/api-keys"));
        var listed = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(["createdAt", "id", "lastUsedAt", "orgId"], Json.Keys(listed));
        Assert.Equal(key.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        Assert.DoesNotContain(key.GetProperty("key").GetString()!, list.ToString());
    }

    [Fact]
    public async Task Revoked_key_stops_working_on_its_next_call()
    {
        var org = await fixture.NewOrgAsync();
        Assert.Equal(HttpStatusCode.OK, (await org.GetAsync("webhooks")).StatusCode);

        using var op = fixture.Operator();
        var keys = await Json.ReadAsync(await op.GetAsync($"/v1/orgs/{org.OrgId}/api-keys"));
        var keyId = keys.GetProperty("data")[0].GetProperty("id").GetString();
        var revoked = await op.DeleteAsync($"/v1/orgs/{org.OrgId}/api-keys/{keyId}");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await org.GetAsync("webhooks")).StatusCode);
        var again = await op.DeleteAsync($"/v1/orgs/{org.OrgId}/api-keys/{keyId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Key_routes_refuse_anything_but_the_operator_key()
    {
        var org = await fixture.NewOrgAsync();
        using var anonymous = fixture.Silo.Client();
        using var wrong = fixture.Silo.Client("not-the-operator-key-but-long-enough-0000000");

        var byOrgKey = await org.Http.PostAsync($"/v1/orgs/{org.OrgId}/api-keys", null);
        var byNobody = await anonymous.GetAsync($"/v1/orgs/{org.OrgId}/api-keys");
        var byWrongKey = await wrong.GetAsync($"/v1/orgs/{org.OrgId}/api-keys");

        Assert.Equal(HttpStatusCode.Unauthorized, byOrgKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byNobody.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, byWrongKey.StatusCode);
        Assert.Equal("application/problem+json", byNobody.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Org_routes_need_a_key_of_that_org()
    {
        var acme = await fixture.NewOrgAsync();
        var other = await fixture.NewOrgAsync();
        var webhook = await acme.CreateWebhookAsync("http://127.0.0.1:9/hook", "member.added");
        var id = webhook.GetProperty("id").GetString();
        using var anonymous = fixture.Silo.Client();
        using var forged = fixture.Silo.Client("jtb_" + new string('a', 43));

        var missing = await anonymous.GetAsync(acme.Path("webhooks"));
        var unknownKey = await forged.GetAsync(acme.Path("webhooks"));
        var crossOrgList = await other.Http.GetAsync(acme.Path("webhooks"));
        var crossOrgGet = await other.Http.GetAsync(acme.Path($"webhooks/{id}"));
        var ownOrgOtherId = await other.GetAsync($"webhooks/{id}");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossOrgList.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossOrgGet.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ownOrgOtherId.StatusCode);
    }

    [Fact]
    public async Task Listing_shows_when_a_key_was_last_used()
    {
        var org = await fixture.NewOrgAsync();
        await org.GetAsync("webhooks");

        using var op = fixture.Operator();
        var keys = await op.GetFromJsonAsync<System.Text.Json.JsonElement>(
            $"/v1/orgs/{org.OrgId}/api-keys");

        var key = keys.GetProperty("data")[0];
        var lastUsed = key.GetProperty("lastUsedAt").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - lastUsed, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }
}
