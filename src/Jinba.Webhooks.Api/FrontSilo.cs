using System.Text.Json;
using System.Text.Json.Serialization;
using Jinba.Webhooks.Api.Auth;
using Jinba.Webhooks.Api.Endpoints;
using Jinba.Webhooks.Api.Http;
using Jinba.Webhooks.Hosting;

namespace Jinba.Webhooks.Api;

/// <summary>
/// The front silo: an Orleans silo of the cluster that also serves the REST API.
/// </summary>
public static partial class FrontSilo
{
    public static WebApplication Build(string[] args,
        Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var settings = builder.LoadWebhooksSettings();
        var auth = AuthSettings.Load(builder.Configuration, builder.Environment);
        var rateLimit = RateLimitSettings.Load(builder.Configuration);
        builder.UseOrleans(silo => silo.AddWebhooksSilo(settings));

        builder.Services.AddSingleton(auth);
        builder.Services.AddSingleton(new WebhookRules(settings.Delivery));
        builder.Services.AddSingleton(new PublishRules(settings.Limits));
        builder.Services.AddProblemDetails();
        builder.AddObservability();
        builder.AddApiReference();
        builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
        builder.Services.AddPerKeyRateLimit(rateLimit);
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(
                new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Room for the largest allowed data object and the rest of a publish body.
            RequestLimits.ConfigureServerLimits(kestrel.Limits,
                settings.Limits.MaxPayloadBytes + 65_536);
            kestrel.AddServerHeader = false;
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.UseRateLimiter();
        app.MapObservability();
        app.MapApiReference();
        MapApi(app);
        AnnounceAtStart(app, settings, auth);
        return app;
    }

    private static void MapApi(WebApplication app)
    {
        var org = app.MapGroup("/v1/orgs/{orgId}")
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(PerKeyRateLimit.PolicyName);

        var owned = org.MapGroup("").RequireOrgKey();
        owned.MapWebhooksApi();
        owned.MapEventsApi();

        org.MapGroup("/api-keys")
            .RequireOperatorKey()
            .AddEndpointFilter(async (context, next) =>
                Ids.IsOrgId(context.HttpContext.Request.RouteValues["orgId"] as string)
                    ? await next(context)
                    : Problems.UnknownOrganization())
            .MapApiKeysApi();
    }

    private static void AnnounceAtStart(WebApplication app, WebhooksSettings settings,
        AuthSettings auth)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>()
            .CreateLogger("Jinba.Webhooks");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (settings.Storage.Provider == StorageProvider.Memory)
            {
                LogMemoryStorage(logger);
            }

            if (auth.Generated)
            {
                // Development only, and only because no operator key was configured.
                LogGeneratedOperatorKey(logger, auth.OperatorKey);
            }
        });
    }

    [LoggerMessage(4001, LogLevel.Warning,
        "STORAGE IS IN MEMORY: every webhook, key and pending delivery is lost when this process "
        + "exits. Set Storage:Provider=AzureTable to keep them.")]
    private static partial void LogMemoryStorage(ILogger logger);

    [LoggerMessage(4002, LogLevel.Warning,
        "Development operator key (generated because Auth:OperatorKey is not set): {OperatorKey}")]
    private static partial void LogGeneratedOperatorKey(ILogger logger, string operatorKey);
}
