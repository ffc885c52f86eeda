using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Jinba.Webhooks.Tests;

[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "observability";
}

[Collection(ObservabilityCollection.Name)]
public sealed partial class ObservabilityTests(ApiFixture fixture)
{
    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        using var anonymous = fixture.Silo.Client();

        var live = await anonymous.GetAsync("/health/live");
        var ready = await anonymous.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_count_what_a_scenario_did()
    {
        await using var receiver = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(receiver.Url, "toolset.published");
        receiver.Respond = (_, n) => n == 1 ? new Reply(503) : Reply.Ok;
        var before = await ScrapeAsync();

        await org.PublishAsync("toolset.published",
            new { toolSetSlug = "ts", version = "2.0.0", publishedBy = "u1" });
        await receiver.WaitForAsync(2);
        var after = await Eventually.MatchAsync(ScrapeAsync,
            now => Delta(before, now, "jinba_webhooks_deliveries_succeeded_total") == 1,
            what: "the success to be counted");

        Assert.Equal(1, Delta(before, after,
            "jinba_webhooks_events_published_total{event=\"toolset.published\"}"));
        Assert.Equal(1, Delta(before, after,
            "jinba_webhooks_deliveries_attempted_total{status_class=\"5xx\"}"));
        Assert.Equal(1, Delta(before, after,
            "jinba_webhooks_deliveries_attempted_total{status_class=\"2xx\"}"));
        Assert.Equal(1, Delta(before, after, "jinba_webhooks_retries_scheduled_total"));
        Assert.Equal(0, Delta(before, after, "jinba_webhooks_deliveries_failed_total"));
        Assert.Equal(0, Delta(before, after, "jinba_webhooks_deliveries_pending"));
        Assert.Equal(2, Delta(before, after,
            "jinba_webhooks_attempt_duration_seconds_count{status_class=\"5xx\"}")
            + Delta(before, after,
                "jinba_webhooks_attempt_duration_seconds_count{status_class=\"2xx\"}"));
    }

    [Fact]
    public async Task Publish_fan_out_and_attempt_are_traced_with_the_event_id()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Jinba.Webhooks",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var receiver = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(receiver.Url, "member.removed");

        await org.PublishAsync("member.removed",
            new { userId = "u", email = "e", removedBy = "x" }, "evt_traced");
        await receiver.WaitForAsync(1);

        var traced = await Eventually.MatchAsync(
            () => Task.FromResult(spans.Where(span =>
                (string?)span.GetTagItem("jinba.event_id") == "evt_traced").ToList()),
            found => found.Count == 3, what: "three spans of the event");
        Assert.Equal(["attempt", "fan-out", "publish"],
            traced.Select(span => span.OperationName).Order().ToArray());
        var publish = traced.Single(span => span.OperationName == "publish");
        var fanOut = traced.Single(span => span.OperationName == "fan-out");
        Assert.Equal(publish.SpanId, fanOut.ParentSpanId);
        Assert.Equal(1, publish.GetTagItem("jinba.deliveries"));
    }

    [Fact]
    public async Task OpenApi_document_parses_and_describes_every_route()
    {
        using var anonymous = fixture.Silo.Client();
        await using var stream = await anonymous.GetStreamAsync("/openapi/v1.json");

        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "json");

        Assert.Empty(diagnostic!.Errors);
        var operations = document!.Paths
            .SelectMany(path => path.Value.Operations!.Select(operation =>
                $"{operation.Key.ToString().ToUpperInvariant()} {path.Key}"))
            .Order()
            .ToArray();
        string[] expected =
        [
            "DELETE /v1/orgs/{orgId}/api-keys/{keyId}",
            "DELETE /v1/orgs/{orgId}/webhooks/{webhookId}",
            "GET /v1/orgs/{orgId}/api-keys",
            "GET /v1/orgs/{orgId}/webhooks",
            "GET /v1/orgs/{orgId}/webhooks/{webhookId}",
            "GET /v1/orgs/{orgId}/webhooks/{webhookId}/deliveries",
            "GET /v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}",
            "GET /v1/orgs/{orgId}/webhooks/{webhookId}/secret",
            "PATCH /v1/orgs/{orgId}/webhooks/{webhookId}",
            "POST /v1/orgs/{orgId}/api-keys",
            "POST /v1/orgs/{orgId}/events",
            "POST /v1/orgs/{orgId}/webhooks",
            "POST /v1/orgs/{orgId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
            "POST /v1/orgs/{orgId}/webhooks/{webhookId}/recover",
            "POST /v1/orgs/{orgId}/webhooks/{webhookId}/secret/rotate",
            "POST /v1/orgs/{orgId}/webhooks/{webhookId}/test",
        ];
        Assert.Equal(expected.Order().ToArray(), operations);

        var create = document.Paths["/v1/orgs/{orgId}/webhooks"].Operations![HttpMethod.Post];
        Assert.Equal(["201", "400", "401", "404", "409", "429", "503"],
            create.Responses!.Keys.Order().ToArray());
        Assert.NotNull(create.RequestBody?.Content?["application/json"].Schema);
        Assert.Equal("https://example.com/hooks/jinba",
            create.RequestBody!.Content!["application/json"].Example!["url"]!.GetValue<string>());
        var publish = document.Paths["/v1/orgs/{orgId}/events"].Operations![HttpMethod.Post];
        Assert.Contains("413", publish.Responses!.Keys);
        Assert.Contains("Bearer", document.Components!.SecuritySchemes!.Keys);
    }

    private async Task<string> ScrapeAsync()
    {
        using var anonymous = fixture.Silo.Client();
        return await anonymous.GetStringAsync("/metrics");
    }

    /// <summary>How much a series grew between two scrapes, summed over its label sets.</summary>
    private static double Delta(string before, string after, string series) =>
        Sum(after, series) - Sum(before, series);

    private static double Sum(string scrape, string series)
    {
        var name = series.Split('{')[0];
        var labels = series.Contains('{', StringComparison.Ordinal)
            ? series[(series.IndexOf('{', StringComparison.Ordinal) + 1)..^1]
            : null;
        return scrape.Split('\n')
            .Select(line => SampleLine().Match(line))
            .Where(match => match.Success && match.Groups["name"].Value == name)
            .Where(match => labels is null
                || match.Groups["labels"].Value.Contains(labels, StringComparison.Ordinal))
            .Sum(match => double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{(?<labels>[^}]*)\})? (?<value>[-0-9.e+]+)")]
    private static partial Regex SampleLine();
}
