using System.Net.Http.Json;
using System.Text.Json;

namespace Jinba.Webhooks.Tests.Infrastructure;

public static class OrgClients
{
    /// <summary>A new organization with a key of its own, and a client sending that key.</summary>
    public static async Task<OrgClient> NewOrgAsync(this FrontSiloInstance silo)
    {
        var orgId = "org_" + Guid.NewGuid().ToString("N")[..10];
        var key = await silo.NewKeyAsync(orgId);
        return new OrgClient(orgId, key, silo.Client(key));
    }

    /// <summary>Another key of the organization, made with the operator key.</summary>
    public static async Task<string> NewKeyAsync(this FrontSiloInstance silo, string orgId)
    {
        using var op = silo.Client(FrontSiloInstance.OperatorKey);
        var response = await op.PostAsync($"/v1/orgs/{orgId}/api-keys", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key")
            .GetString()!;
    }
}
