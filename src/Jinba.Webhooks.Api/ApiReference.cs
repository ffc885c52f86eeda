using Jinba.Webhooks.Api.Auth;
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
        });

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
