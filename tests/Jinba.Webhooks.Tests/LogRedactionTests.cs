using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests;

[Collection(ScenarioCollection.Name)]
public sealed class LogRedactionTests(ScenarioFixture fixture) : ReceiverTests
{
    /// <summary>
    /// Every log entry of the silo, at every level and in every category (Orleans, ASP.NET Core,
    /// the service), from its start to the end of a scenario that handles every secret the
    /// service knows: keys created, presented, forged and revoked; secrets created, revealed and
    /// rotated; deliveries that succeed, fail, retry and are refused.
    /// </summary>
    [Fact]
    public async Task No_secret_or_key_reaches_any_log_entry()
    {
        var orgId = "org_logs_" + Guid.NewGuid().ToString("N")[..8];
        using var op = fixture.Silo.Client(FrontSiloInstance.OperatorKey);
        var created = await op.PostAsync($"/v1/orgs/{orgId}/api-keys", null);
        var keyInfo = await created.Content.ReadFromJsonAsync<JsonElement>();
        var key = keyInfo.GetProperty("key").GetString()!;
        using var org = new OrgClient(orgId, key, fixture.Silo.Client(key));
        using var forged = fixture.Silo.Client("jtb_" + Guid.NewGuid().ToString("N") + "forged1");
        const string urlToken = "url-token-kept-out-of-logs";

        Receiver.Respond = (_, n) => n == 1 ? new Reply(500, Body: "not yet") : Reply.Ok;
        var webhook = await org.CreateWebhookAsync(Receiver.Url + "?token=" + urlToken,
            "member.added");
        var id = webhook.GetProperty("id").GetString()!;
        var first = webhook.GetProperty("secret").GetString()!;
        await org.PublishAsync("member.added", Samples.MemberAdded, "evt_logs_1");
        await Receiver.WaitForAsync(2);
        await org.GetAsync($"webhooks/{id}/secret");
        var rotated = await Json.ReadAsync(await org.PostAsync($"webhooks/{id}/secret/rotate"));
        var second = rotated.GetProperty("secret").GetString()!;
        await org.GetAsync($"webhooks/{id}/secret");
        await org.PostAsync($"webhooks/{id}/test");
        await org.PatchAsync($"webhooks/{id}",
            new { url = $"http://127.0.0.1:{FreePorts.Next()}/hook?token={urlToken}" });
        await org.PostAsync($"webhooks/{id}/test");
        await org.PublishAsync("member.added", Samples.MemberAdded, "evt_logs_2");
        await Eventually.MatchAsync(() => DeliveryTable.ReadAsync(id),
            all => all.Any(delivery => delivery.EventId == "evt_logs_2" && delivery.Attempts > 0),
            what: "a refused attempt");
        await org.PostAsync("events", """{"event":"member.added","data":"oops"}""");
        var refused = await forged.GetAsync(org.Path("webhooks"));
        await org.DeleteAsync($"webhooks/{id}");
        await op.DeleteAsync($"/v1/orgs/{orgId}/api-keys/{keyInfo.GetProperty("id").GetString()}");
        var revoked = await org.GetAsync("webhooks");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        string[] secrets =
        [
            first, first["whsec_".Length..], second, second["whsec_".Length..], key,
            key["jtb_".Length..], FrontSiloInstance.OperatorKey,
            forged.DefaultRequestHeaders.Authorization!.Parameter!, urlToken,
        ];
        var entries = fixture.Logs.Entries;
        Assert.Contains(entries, entry =>
            entry.Category.StartsWith("Orleans", StringComparison.Ordinal)
            && entry.Level == LogLevel.Trace);
        Assert.Contains(entries, entry =>
            entry.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
            && entry.Level == LogLevel.Debug);
        Assert.Contains(entries, entry => entry.Message.Contains($"Secret of webhook {id}"));
        var leaks = entries
            .SelectMany(entry => entry.Texts()
                .Where(text => secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal)))
                .Select(text => $"{entry.Level} {entry.Category}: {text}"))
            .ToList();
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks.Take(20)));
    }
}
