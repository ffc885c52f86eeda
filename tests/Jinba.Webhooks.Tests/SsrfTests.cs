using System.Net;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// Deliveries in production reach only public addresses. Each webhook here points at the port of
/// a real loopback receiver, so a guard that let anything through would show up as a request.
/// </summary>
[Collection(SsrfCollection.Name)]
public sealed class SsrfTests(SsrfFixture fixture) : IAsyncLifetime
{
    private const string Refused = "Must not point at a loopback, private or reserved address.";

    private Receiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await Receiver.StartAsync();
        fixture.Names.Map("rebind.test", "127.0.0.1");
        fixture.Names.Map("metadata.test", "169.254.169.254", "fd00:ec2::254");
        fixture.Names.Map("internal.test", "10.0.0.1", "192.168.1.1", "::1");
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    public static TheoryData<string, string> Literals => new()
    {
        { "127.0.0.1", "127.0.0.1" },
        { "127.1", "127.0.0.1" },
        { "2130706433", "127.0.0.1" },
        { "0x7f000001", "127.0.0.1" },
        { "0177.0.0.1", "127.0.0.1" },
        { "0.0.0.0", "0.0.0.0" },
        { "[::]", "::" },
        { "[::1]", "::1" },
        { "[::ffff:127.0.0.1]", "::ffff:127.0.0.1" },
        { "[::ffff:7f00:1]", "::ffff:127.0.0.1" },
        { "[::ffff:0:7f00:1]", "::ffff:0:127.0.0.1" },
        { "[64:ff9b::7f00:1]", "64:ff9b::7f00:1" },
        { "[2002:7f00:1::]", "2002:7f00:1::" },
        { "169.254.169.254", "169.254.169.254" },
        { "[fd00:ec2::254]", "fd00:ec2::254" },
        { "10.0.0.1", "10.0.0.1" },
        { "172.16.0.1", "172.16.0.1" },
        { "192.168.1.1", "192.168.1.1" },
        { "100.64.0.1", "100.64.0.1" },
        { "[fc00::1]", "fc00::1" },
        { "[fe80::1]", "fe80::1" },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public async Task A_literal_non_public_address_is_blocked_when_connecting(string host,
        string address)
    {
        // A policy that allowed the address would make this test open a connection to it.
        Assert.False(fixture.Policy.IsAllowed(IPAddress.Parse(address)));
        using var org = await fixture.NewOrgAsync();
        var id = await CreateThroughGrainAsync(org, $"http://{host}:{_receiver.BaseUrl.Port}/hook");

        var outcome = await TestAsync(org, id);

        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("statusCode").ValueKind);
        Assert.Equal($"Blocked: {address} is not a public address.",
            outcome.GetProperty("error").GetString());
        Assert.Empty(_receiver.Requests);
    }

    [Theory]
    [InlineData("rebind.test")]
    [InlineData("metadata.test")]
    [InlineData("internal.test")]
    public async Task A_name_resolving_only_to_non_public_addresses_is_blocked(string host)
    {
        Assert.DoesNotContain(fixture.Names.AddressesOf(host), fixture.Policy.IsAllowed);
        using var org = await fixture.NewOrgAsync();
        var id = await CreateThroughGrainAsync(org, $"http://{host}:{_receiver.BaseUrl.Port}/hook");

        var outcome = await TestAsync(org, id);

        Assert.False(outcome.GetProperty("success").GetBoolean());
        Assert.Equal($"Blocked: '{host}' resolves only to addresses that are not public.",
            outcome.GetProperty("error").GetString());
        Assert.Empty(_receiver.Requests);
    }

    [Fact]
    public async Task A_name_passes_registration_and_its_deliveries_are_blocked()
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(
            $"http://rebind.test:{_receiver.BaseUrl.Port}/hook", "member.added");
        var id = webhook.GetProperty("id").GetString()!;

        await org.PublishAsync("member.added",
            new { userId = "u1", email = "a@b.c", role = "admin", addedBy = "u0" });
        var list = await Eventually.MatchAsync(
            async () => await Json.ReadAsync(await org.GetAsync($"webhooks/{id}/deliveries")),
            page => page.GetProperty("data").EnumerateArray()
                .Any(item => item.GetProperty("attempts").GetInt32() > 0),
            what: "the first attempt");
        var deliveryId = list.GetProperty("data")[0].GetProperty("id").GetString();
        var detail = await Json.ReadAsync(
            await org.GetAsync($"webhooks/{id}/deliveries/{deliveryId}"));
        await org.DeleteAsync($"webhooks/{id}");

        var attempt = detail.GetProperty("attemptLog")[0];
        Assert.Equal("blocked_address", attempt.GetProperty("errorKind").GetString());
        Assert.Equal("Blocked: 'rebind.test' resolves only to addresses that are not public.",
            attempt.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
        Assert.Empty(_receiver.Requests);
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://127.1/hook")]
    [InlineData("https://2130706433/hook")]
    [InlineData("https://0x7f000001/hook")]
    [InlineData("https://0177.0.0.1/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[::ffff:7f00:1]/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://172.16.0.1/hook")]
    [InlineData("https://192.168.1.1/hook")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://[fc00::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://localhost./hook")]
    [InlineData("https://api.localhost/hook")]
    [InlineData("https://127.0.0.1./hook")]
    public async Task Registration_refuses_a_url_naming_a_non_public_address(string url)
    {
        using var org = await fixture.NewOrgAsync();

        var created = await org.PostAsync("webhooks",
            new { url, events = new[] { "member.added" } });

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        var problem = await Json.ReadAsync(created);
        Assert.Equal(["url"], Json.Keys(problem.GetProperty("errors")));
        Assert.Equal(Refused, problem.GetProperty("errors").GetProperty("url")[0].GetString());
        var list = await Json.ReadAsync(await org.GetAsync("webhooks"));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    public async Task An_update_to_a_non_public_address_is_refused(string url)
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync("https://hooks.example.com/in", "member.added");
        var id = webhook.GetProperty("id").GetString();

        var patched = await org.PatchAsync($"webhooks/{id}", new { url });

        Assert.Equal(HttpStatusCode.BadRequest, patched.StatusCode);
        var problem = await Json.ReadAsync(patched);
        Assert.Equal(Refused, problem.GetProperty("errors").GetProperty("url")[0].GetString());
        var after = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}"));
        Assert.Equal("https://hooks.example.com/in", after.GetProperty("url").GetString());
    }

    /// <summary>
    /// Registration checks what the URL shows; the grain takes any URL, as producers inside the
    /// cluster may, so this reaches the check made when connecting.
    /// </summary>
    private async Task<string> CreateThroughGrainAsync(OrgClient org, string url)
    {
        var result = await fixture.Grains.GetGrain<IOrganizationGrain>(org.OrgId)
            .CreateWebhookAsync(new WebhookDraft { Url = url, Events = ["member.added"] });
        Assert.Equal(WebhookChange.Done, result.Change);
        return result.Webhook!.Id;
    }

    private static async Task<JsonElement> TestAsync(OrgClient org, string id)
    {
        var response = await org.PostAsync($"webhooks/{id}/test");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }
}
