using System.Net;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class WebhooksApiTests(ApiFixture fixture)
{
    private const string Url = "http://127.0.0.1:9/hook?source=tests";

    [Fact]
    public async Task Create_returns_the_webhook_with_its_whole_secret_and_location()
    {
        using var org = await fixture.NewOrgAsync();
        var response = await org.PostAsync("webhooks", new
        {
            url = Url,
            events = new[] { "tool.run.completed", "member.added" },
            description = "CI notifications",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var webhook = await Json.ReadAsync(response);
        var id = webhook.GetProperty("id").GetString()!;
        Assert.Matches("^wh_[0-9A-Z]{26}$", id);
        Assert.Equal(org.Path($"webhooks/{id}"), response.Headers.Location!.ToString());
        Assert.Equal(
            ["createdAt", "description", "disabledReason", "enabled", "events", "id", "orgId",
                "secret", "stats", "updatedAt", "url"],
            Json.Keys(webhook));
        Assert.Equal(org.OrgId, webhook.GetProperty("orgId").GetString());
        Assert.Equal(Url, webhook.GetProperty("url").GetString());
        Assert.Equal(["tool.run.completed", "member.added"], Strings(webhook, "events"));
        Assert.Equal("CI notifications", webhook.GetProperty("description").GetString());
        Assert.True(webhook.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, webhook.GetProperty("disabledReason").ValueKind);
        var secret = webhook.GetProperty("secret").GetString()!;
        Assert.Matches("^whsec_[A-Za-z0-9+/]{43}=$", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
    }

    [Fact]
    public async Task Get_and_list_mask_the_secret()
    {
        using var org = await fixture.NewOrgAsync();
        var created = await org.CreateWebhookAsync(Url, "member.removed");
        var id = created.GetProperty("id").GetString();
        var secret = created.GetProperty("secret").GetString()!;

        var fetched = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));
        var list = await Json.ReadAsync(await org.GetAsync("webhooks"));

        var masked = "whsec_****" + secret[^4..];
        Assert.Equal(masked, fetched.GetProperty("secret").GetString());
        var listed = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(masked, listed.GetProperty("secret").GetString());
        Assert.DoesNotContain(secret, list.ToString());
    }

    [Fact]
    public async Task Secret_is_revealed_whole_and_rotation_gives_a_new_one()
    {
        using var org = await fixture.NewOrgAsync();
        var created = await org.CreateWebhookAsync(Url, "member.removed");
        var id = created.GetProperty("id").GetString();

        var revealed = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}/secret"));
        var rotated = await Json.ReadAsync(await org.PostAsync($"webhooks/{id}/secret/rotate"));

        Assert.Equal(created.GetProperty("secret").GetString(),
            revealed.GetProperty("secret").GetString());
        Assert.NotEqual(created.GetProperty("secret").GetString(),
            rotated.GetProperty("secret").GetString());
        var after = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}/secret"));
        Assert.Equal(rotated.GetProperty("secret").GetString(),
            after.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Patch_changes_only_the_fields_sent()
    {
        using var org = await fixture.NewOrgAsync();
        var created = await org.PostAsync("webhooks", new
        {
            url = Url,
            events = new[] { "member.added" },
            description = "first",
        });
        var id = (await Json.ReadAsync(created)).GetProperty("id").GetString();

        var response = await org.PatchAsync($"webhooks/{id}", new
        {
            events = new[] { "member.added", "member.removed" },
        });
        var patched = await Json.ReadAsync(response);
        var disabled = await Json.ReadAsync(await org.PatchAsync($"webhooks/{id}",
            new { enabled = false, url = "http://127.0.0.1:9/other" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Url, patched.GetProperty("url").GetString());
        Assert.Equal("first", patched.GetProperty("description").GetString());
        Assert.Equal(["member.added", "member.removed"], Strings(patched, "events"));
        Assert.True(patched.GetProperty("enabled").GetBoolean());
        Assert.False(disabled.GetProperty("enabled").GetBoolean());
        Assert.Equal("http://127.0.0.1:9/other", disabled.GetProperty("url").GetString());
        Assert.Equal(["member.added", "member.removed"], Strings(disabled, "events"));
        Assert.True(disabled.GetProperty("updatedAt").GetDateTimeOffset()
            >= disabled.GetProperty("createdAt").GetDateTimeOffset());
        var cleared = await Json.ReadAsync(await org.PatchAsync($"webhooks/{id}",
            new { description = "" }));
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("description").ValueKind);
    }

    [Fact]
    public async Task Delete_removes_the_webhook()
    {
        using var org = await fixture.NewOrgAsync();
        var id = (await org.CreateWebhookAsync(Url, "member.added")).GetProperty("id").GetString();

        var deleted = await org.DeleteAsync($"webhooks/{id}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.GetAsync($"webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await org.DeleteAsync($"webhooks/{id}")).StatusCode);
        var list = await Json.ReadAsync(await org.GetAsync("webhooks"));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("GET", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA")]
    [InlineData("GET", "webhooks/not-an-id")]
    [InlineData("PATCH", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA")]
    [InlineData("DELETE", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA")]
    [InlineData("POST", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA/test")]
    [InlineData("GET", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA/secret")]
    [InlineData("POST", "webhooks/wh_01M8Y8XB4MPWCFWX044KE6R7RA/secret/rotate")]
    [InlineData("DELETE", "webhooks/wh_%2e%2e")]
    public async Task Unknown_webhook_ids_get_404_problem(string method, string route)
    {
        using var org = await fixture.NewOrgAsync();
        var body = method == "PATCH" ? """{"enabled":true}""" : null;

        var response = await org.SendAsync(new HttpMethod(method), route, body);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await Json.ReadAsync(response)).GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("""{"url":"https://example.com/h","events":["member.added"]""", "body")]
    [InlineData("""not json""", "body")]
    [InlineData("""{"events":["member.added"]}""", "url")]
    [InlineData("""{"url":"/relative","events":["member.added"]}""", "url")]
    [InlineData("""{"url":"ftp://example.com/h","events":["member.added"]}""", "url")]
    [InlineData("""{"url":"https://user:pw@example.com/h","events":["member.added"]}""", "url")]
    [InlineData("""{"url":"https://example.com/h#frag","events":["member.added"]}""", "url")]
    [InlineData("""{"url":42,"events":["member.added"]}""", "url")]
    [InlineData("""{"url":"https://example.com/h"}""", "events")]
    [InlineData("""{"url":"https://example.com/h","events":[]}""", "events")]
    [InlineData("""{"url":"https://example.com/h","events":["tool.run.done"]}""", "events[0]")]
    [InlineData("""{"url":"https://example.com/h","events":["member.added","member.added"]}""",
        "events[1]")]
    [InlineData("""{"url":"https://example.com/h","events":["member.added"],"secret":"x"}""",
        "secret")]
    [InlineData("""{"url":"https://example.com/h","events":["member.added"],"enabled":"yes"}""",
        "enabled")]
    public async Task Bad_webhooks_are_refused_naming_the_field(string body, string field)
    {
        using var org = await fixture.NewOrgAsync();

        var response = await org.PostAsync("webhooks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal([field], Json.Keys(problem.GetProperty("errors")));
        var list = await Json.ReadAsync(await org.GetAsync("webhooks"));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Too_long_url_and_description_are_refused()
    {
        using var org = await fixture.NewOrgAsync();
        var longUrl = "https://example.com/" + new string('a', 2048 - 19);

        var response = await org.PostAsync("webhooks", new
        {
            url = longUrl,
            events = new[] { "member.added" },
            description = new string('d', 501),
        });

        Assert.Equal(2049, longUrl.Length);
        var problem = await Json.ReadAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["description", "url"], Json.Keys(problem.GetProperty("errors")));
        Assert.Equal("Must be at most 2048 characters.",
            problem.GetProperty("errors").GetProperty("url")[0].GetString());
    }

    [Fact]
    public async Task Bad_patch_changes_nothing()
    {
        using var org = await fixture.NewOrgAsync();
        var id = (await org.CreateWebhookAsync(Url, "member.added")).GetProperty("id").GetString();

        var response = await org.PatchAsync($"webhooks/{id}",
            new { url = "https://example.com/new", events = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["events"], Json.Keys((await Json.ReadAsync(response)).GetProperty("errors")));
        var webhook = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));
        Assert.Equal(Url, webhook.GetProperty("url").GetString());
    }

    [Fact]
    public async Task An_org_holds_at_most_the_configured_number_of_webhooks()
    {
        using var org = await fixture.NewOrgAsync();
        for (var i = 0; i < 3; i++)
        {
            await org.CreateWebhookAsync(Url, "member.added");
        }

        var response = await org.PostAsync("webhooks",
            new { url = Url, events = new[] { "member.added" } });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(409, (await Json.ReadAsync(response)).GetProperty("status").GetInt32());
        var list = await Json.ReadAsync(await org.GetAsync("webhooks"));
        Assert.Equal(3, list.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Body_that_is_not_json_gets_415()
    {
        using var org = await fixture.NewOrgAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, org.Path("webhooks"))
        {
            Content = new StringContent("url=https://example.com", System.Text.Encoding.UTF8,
                "application/x-www-form-urlencoded"),
        };

        var response = await org.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static string[] Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(item => item.GetString()!).ToArray();
}
