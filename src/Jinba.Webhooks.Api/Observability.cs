using Jinba.Webhooks.Api.Health;
using Jinba.Webhooks.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Jinba.Webhooks.Api;

/// <summary>Health endpoints, Prometheus metrics and traces of the front silo.</summary>
public static class Observability
{
    public const string ReadyTag = "ready";

    public static void AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<SiloHealthCheck>("silo", tags: [ReadyTag])
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(WebhookMetrics.Name)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing.AddSource(WebhookMetrics.Name));
    }

    /// <summary>Unauthenticated and cheap: meant for probes and scrapers.</summary>
    public static void MapObservability(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready",
            new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics");
    }
}
