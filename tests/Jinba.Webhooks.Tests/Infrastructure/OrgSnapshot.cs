using System.Net;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// Everything an organization's own key can read about one of its webhooks, to show that a
/// series of requests changed none of it.
/// </summary>
public sealed record OrgSnapshot(string List, string Webhook, string Secret, string Deliveries)
{
    public static async Task<OrgSnapshot> TakeAsync(OrgClient org, string webhookId) => new(
        await TextAsync(org.GetAsync("webhooks")),
        await TextAsync(org.GetAsync($"webhooks/{webhookId}")),
        await TextAsync(org.GetAsync($"webhooks/{webhookId}/secret")),
        await TextAsync(org.GetAsync($"webhooks/{webhookId}/deliveries")));

    private static async Task<string> TextAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
