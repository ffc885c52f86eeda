using System.Text;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// One route of the organization API, with a valid body where it takes one. <c>{id}</c> stands
/// for a webhook id and <c>{dlv}</c> for a delivery id.
/// </summary>
public sealed record OrgRoute(string Method, string Template, string? Body = null)
{
    public bool NamesWebhook => Template.Contains("{id}", StringComparison.Ordinal);

    public string Route(string webhookId, string deliveryId) =>
        Template.Replace("{id}", webhookId).Replace("{dlv}", deliveryId);

    public HttpRequestMessage Request(string orgId, string webhookId, string deliveryId)
    {
        var request = new HttpRequestMessage(new HttpMethod(Method),
            $"/v1/orgs/{orgId}/{Route(webhookId, deliveryId)}");
        if (Body is not null)
        {
            request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
        }

        return request;
    }

    public override string ToString() => $"{Method} {Template}";
}

public static class OrgRoutes
{
    public static IReadOnlyList<OrgRoute> All { get; } =
    [
        new("GET", "webhooks"),
        new("POST", "webhooks", """{"url":"http://127.0.0.1:9/new","events":["member.added"]}"""),
        new("GET", "webhooks/{id}"),
        new("PATCH", "webhooks/{id}", """{"url":"http://127.0.0.1:9/moved","enabled":false}"""),
        new("DELETE", "webhooks/{id}"),
        new("POST", "webhooks/{id}/test", """{"event":"member.added"}"""),
        new("GET", "webhooks/{id}/secret"),
        new("POST", "webhooks/{id}/secret/rotate"),
        new("GET", "webhooks/{id}/deliveries"),
        new("GET", "webhooks/{id}/deliveries/{dlv}"),
        new("POST", "webhooks/{id}/deliveries/{dlv}/retry"),
        new("POST", "webhooks/{id}/recover", """{"since":"2024-01-01T00:00:00Z"}"""),
        new("POST", "events", """
            {"event":"member.added",
             "data":{"userId":"u1","email":"a@b.c","role":"admin","addedBy":"u0"}}
            """),
    ];

    /// <summary>The routes by name, for theories.</summary>
    public static TheoryData<string> Names => [.. All.Select(route => route.ToString())];

    public static OrgRoute Named(string name) => All.Single(route => route.ToString() == name);
}
