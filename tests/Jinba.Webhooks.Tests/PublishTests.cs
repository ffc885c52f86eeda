using System.Net;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class PublishTests(ApiFixture fixture) : ReceiverTests
{
    [Fact]
    public async Task Publishing_an_accepted_id_again_returns_the_first_result_and_delivers_nothing()
    {
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(Receiver.Url, "tool.run.completed");

        var first = await org.PublishAsync("tool.run.completed", Samples.RunCompleted(), "evt_dup");
        await Receiver.WaitForAsync(1);
        await org.CreateWebhookAsync(Receiver.Url + "?second", "tool.run.completed");
        var again = await org.PublishAsync("tool.run.completed", Samples.RunCompleted(), "evt_dup");
        var later = await org.PublishAsync("tool.run.completed", Samples.RunCompleted(), "evt_new");
        await Receiver.WaitForAsync(3);

        Assert.Equal(first.ToString(), again.ToString());
        Assert.Equal("""{"id":"evt_dup","deliveries":1}""", again.ToString());
        Assert.Equal(2, later.GetProperty("deliveries").GetInt32());
        Assert.Equal(["evt_dup", "evt_new", "evt_new"],
            Receiver.Requests.Select(request => request.Header("webhook-id")).Order().ToArray());
    }

    [Fact]
    public async Task Event_without_a_subscriber_is_accepted_for_no_webhook()
    {
        using var org = await fixture.NewOrgAsync();

        var result = await org.PublishAsync("toolset.published",
            new { toolSetSlug = "ts", version = "1.0.0", publishedBy = "u1" });

        Assert.Equal(0, result.GetProperty("deliveries").GetInt32());
        Assert.Matches("^evt_[0-9A-Z]{26}$", result.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("""{"event":"tool.run.started","data":{}}""", "event")]
    [InlineData("""{"data":{"runId":"r"}}""", "event")]
    [InlineData("""{"event":"member.added"}""", "data")]
    [InlineData("""{"event":"member.added","data":[1,2]}""", "data")]
    [InlineData("""{"event":"member.added","data":{"userId":"u","email":"e","role":"r"}}""",
        "data.addedBy")]
    [InlineData("""{"event":"tool.run.completed","data":{"runId":"r","toolSetSlug":"s","toolSlug":"t","status":"failed","durationMs":1}}""",
        "data.status")]
    [InlineData("""{"event":"tool.run.completed","data":{"runId":"r","toolSetSlug":"s","toolSlug":"t","status":"success","durationMs":"1"}}""",
        "data.durationMs")]
    [InlineData("""{"event":"tool.run.failed","data":{"runId":"r","toolSetSlug":"s","toolSlug":"t","status":"failed","durationMs":1,"error":"x"}}""",
        "data.error")]
    [InlineData("""{"event":"member.removed","data":{"userId":"u","email":"e","removedBy":"x"},"id":"evt bad"}""",
        "id")]
    [InlineData("""{"event":"member.removed","data":{"userId":"u","email":"e","removedBy":"x"},"timestamp":"yesterday"}""",
        "timestamp")]
    [InlineData("""{"event":"member.removed","data":{"userId":"u","email":"e","removedBy":"x"},"extra":1}""",
        "extra")]
    [InlineData("""{"event":"member.removed","data":{"userId":"u","email":"e","removedBy":"x"}""",
        "body")]
    public async Task Bad_events_are_refused_naming_the_field_and_nothing_is_delivered(
        string body, string field)
    {
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(Receiver.Url, EventTypes.All.ToArray());

        var response = await org.PostAsync("events", body);
        var probe = await org.PublishAsync("member.removed",
            new { userId = "u", email = "e", removedBy = "probe" });
        await Receiver.WaitForAsync(1);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal([field], Json.Keys(problem.GetProperty("errors")));
        var delivered = Assert.Single(Receiver.Requests);
        Assert.Equal(probe.GetProperty("id").GetString(), delivered.Header("webhook-id"));
    }

    [Fact]
    public async Task Data_over_the_size_limit_gets_413_naming_data()
    {
        using var org = await fixture.NewOrgAsync();
        var data = new
        {
            userId = "u",
            email = "e",
            removedBy = "x",
            padding = new string('p', 4096),
        };

        var response = await org.PostAsync("events", new { @event = "member.removed", data });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        Assert.Equal(["data"], Json.Keys(problem.GetProperty("errors")));
        Assert.Equal("Must be at most 4096 bytes.",
            problem.GetProperty("errors").GetProperty("data")[0].GetString());
    }

    [Fact]
    public async Task Body_over_the_request_limit_gets_413()
    {
        using var org = await fixture.NewOrgAsync();
        var padding = new string('p', 200_000);
        var body = "{\"event\":\"member.removed\",\"data\":{\"pad\":\"" + padding + "\"}}";

        var response = await org.PostAsync("events", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
