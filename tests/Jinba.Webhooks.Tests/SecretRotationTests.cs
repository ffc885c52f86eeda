using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Hosting;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// A rotated-out secret keeps signing beside the new one for the overlap (one minute in this
/// silo), so a receiver that still holds the old secret verifies every delivery; after it, only
/// the new secret signs.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class SecretRotationTests(ScenarioFixture fixture) : ReceiverTests
{
    [Fact]
    public async Task During_the_overlap_every_delivery_verifies_with_the_old_and_the_new_secret()
    {
        using var org = await fixture.NewOrgAsync();
        var (id, old) = await WebhookAsync(org);
        Receiver.Respond = (_, n) => n == 1 ? new Reply(500) : Reply.Ok;
        await org.PublishAsync("member.added", Samples.MemberAdded, "evt_before_rotation");
        await Receiver.WaitForAsync(1);

        var current = await RotateAsync(org, id);
        await org.PublishAsync("member.added", Samples.MemberAdded, "evt_after_rotation");
        var test = await Json.ReadAsync(await org.PostAsync($"webhooks/{id}/test"));
        var requests = await Receiver.WaitForAsync(4);

        Assert.True(test.GetProperty("success").GetBoolean());
        Assert.Equal("evt_before_rotation", requests[0].Header("webhook-id"));
        AssertSignedByExactly(requests[0], old);
        AssertNotSignedBy(requests[0], current);
        var later = requests.Skip(1).ToList();
        Assert.Equal(["member.added:evt_after_rotation", "member.added:evt_before_rotation",
            "webhook.test"], later.Select(Describe).Order());
        Assert.All(later, request => AssertSignedByExactly(request, current, old));
    }

    [Fact]
    public async Task After_the_overlap_only_the_new_secret_signs()
    {
        using var org = await fixture.NewOrgAsync();
        var (id, old) = await WebhookAsync(org);
        var current = await RotateAsync(org, id);
        await org.PostAsync($"webhooks/{id}/test");

        fixture.Clock.Advance(ScenarioFixture.SecretOverlap + TimeSpan.FromSeconds(1));
        await org.PostAsync($"webhooks/{id}/test");
        await org.PublishAsync("member.added", Samples.MemberAdded, "evt_after_overlap");
        var requests = await Receiver.WaitForAsync(3);

        AssertSignedByExactly(requests[0], current, old);
        Assert.All(requests.Skip(1), request =>
        {
            AssertSignedByExactly(request, current);
            AssertNotSignedBy(request, old);
        });
        Assert.Equal("evt_after_overlap", requests[2].Header("webhook-id"));
    }

    [Fact]
    public async Task Rotating_again_retires_the_first_secret_at_once()
    {
        using var org = await fixture.NewOrgAsync();
        var (id, first) = await WebhookAsync(org);
        var second = await RotateAsync(org, id);
        var third = await RotateAsync(org, id);

        await org.PostAsync($"webhooks/{id}/test");
        var request = Assert.Single(await Receiver.WaitForAsync(1));

        AssertSignedByExactly(request, third, second);
        AssertNotSignedBy(request, first);
        var revealed = await Json.ReadAsync(await org.GetAsync($"webhooks/{id}/secret"));
        Assert.Equal(third, revealed.GetProperty("secret").GetString());
    }

    [Fact]
    public void The_overlap_defaults_to_a_day()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = "Memory",
            })
            .Build();
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment
        {
            EnvironmentName = Environments.Production,
        };

        var settings = WebhooksSettings.Load(configuration, production);

        Assert.Equal(TimeSpan.FromHours(24), settings.Delivery.SecretOverlap);
    }

    private async Task<(string Id, string Secret)> WebhookAsync(OrgClient org)
    {
        var webhook = await org.CreateWebhookAsync(Receiver.Url, "member.added");
        return (webhook.GetProperty("id").GetString()!, webhook.GetProperty("secret").GetString()!);
    }

    private static async Task<string> RotateAsync(OrgClient org, string id)
    {
        var rotated = await Json.ReadAsync(await org.PostAsync($"webhooks/{id}/secret/rotate"));
        return rotated.GetProperty("secret").GetString()!;
    }

    /// <summary>
    /// Both schemes carry one signature per signing secret, the current one first, and each
    /// secret verifies the request the way a receiver holding only that secret would.
    /// </summary>
    private static void AssertSignedByExactly(ReceivedRequest request, params string[] secrets)
    {
        Assert.Equal(string.Join(", ", secrets.Select(secret => "sha256=" + Hex(secret, request))),
            request.Header("X-Webhook-Signature"));
        var entries = request.Header("webhook-signature").Split(' ');
        Assert.Equal(secrets.Length, entries.Length);
        Verify(request, secrets[0]);
        for (var i = 0; i < secrets.Length; i++)
        {
            Verify(request, secrets[i], entries[i]);
        }
    }

    /// <summary>
    /// Fails unless no signature of the request verifies with <paramref name="secret"/>.
    /// </summary>
    private static void AssertNotSignedBy(ReceivedRequest request, string secret)
    {
        foreach (var entry in request.Header("webhook-signature").Split(' '))
        {
            Assert.Throws<WebhookVerificationException>(() => Verify(request, secret, entry));
        }
    }

    /// <summary>
    /// Verifies with the StandardWebhooks library, given the whole signature header or one of
    /// its entries. StandardWebhooks 1.1.2 stops reading a space-separated list before its last
    /// entry, so with the whole header it only ever checks the current secret's signature; each
    /// entry on its own is what a correct reader of the list would check.
    /// </summary>
    private static void Verify(ReceivedRequest request, string secret, string? entry = null) =>
        new StandardWebhook(secret).Verify(request.Text, new HeaderDictionary
        {
            ["webhook-id"] = request.Header("webhook-id"),
            ["webhook-timestamp"] = request.Header("webhook-timestamp"),
            ["webhook-signature"] = entry ?? request.Header("webhook-signature"),
        });

    private static string Describe(ReceivedRequest request) =>
        request.Header("X-Webhook-Event") == "webhook.test"
            ? "webhook.test"
            : $"{request.Header("X-Webhook-Event")}:{request.Header("webhook-id")}";

    private static string Hex(string secret, ReceivedRequest request) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body));
}
