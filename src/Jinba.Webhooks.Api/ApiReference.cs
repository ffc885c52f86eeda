using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Jinba.Webhooks.Api;

/// <summary>
/// The OpenAPI description of the REST API at <c>/openapi/v1.json</c>, and an interactive
/// reference at <c>/scalar/v1</c> in Development.
/// </summary>
public static class ApiReference
{
    public const string BearerScheme = "Bearer";

    public static void AddApiReference(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Jinba Webhooks",
                    Version = "v1",
                    Description = "Register endpoints, publish events and watch their "
                        + "signed deliveries. Every route takes 'Authorization: Bearer jtb_…': "
                        + "an organization key, or the operator key for /api-keys.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??=
                    new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An organization API key (jtb_…) or the operator key.",
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [],
                    },
                ];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var path = context.Description.RelativePath?.TrimEnd('/');
                var route = $"{context.Description.HttpMethod} {path}";
                if (RequestExamples.TryGetValue(route, out var example)
                    && operation.RequestBody?.Content?.TryGetValue("application/json",
                        out var body) == true)
                {
                    body.Example = JsonNode.Parse(example);
                }

                return Task.CompletedTask;
            });
        });

    private static readonly Dictionary<string, string> RequestExamples = new()
    {
        ["POST v1/orgs/{orgId}/webhooks"] = """
            {"url": "https://example.com/hooks/jinba",
             "events": ["tool.run.completed", "tool.run.failed"],
             "description": "Build notifications"}
            """,
        ["PATCH v1/orgs/{orgId}/webhooks/{webhookId}"] = """
            {"events": ["member.added", "member.removed"], "enabled": true}
            """,
        ["POST v1/orgs/{orgId}/webhooks/{webhookId}/test"] = """
            {"event": "tool.run.failed"}
            """,
        ["POST v1/orgs/{orgId}/events"] = """
            {"event": "tool.run.completed", "id": "evt_run_42_done",
             "data": {"runId": "run_42", "toolSetSlug": "my-toolset", "toolSlug": "my-tool",
                      "status": "success", "durationMs": 1234}}
            """,
        ["POST v1/orgs/{orgId}/webhooks/{webhookId}/recover"] = """
            {"since": "2024-01-15T00:00:00Z", "until": "2024-01-16T00:00:00Z"}
            """,
    };

    public static void MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }
    }

    /// <summary>The answers every authenticated route can give besides its own.</summary>
    public static TBuilder ProducesAuthProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
