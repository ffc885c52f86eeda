using System.Net;
using Jinba.Webhooks.Api.Http;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Jinba.Webhooks.Tests;

[Collection(RateLimitCollection.Name)]
public sealed class RateLimitTests(RateLimitFixture fixture)
{
    [Fact]
    public async Task A_key_past_its_burst_gets_429_with_retry_after_and_another_key_does_not()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < RateLimitFixture.Burst; i++)
        {
            statuses.Add((await fixture.First.GetAsync("webhooks")).StatusCode);
        }

        var limited = await fixture.First.GetAsync("webhooks");
        var limitedPost = await fixture.First.PostAsync("events", new { @event = "x" });
        var other = await fixture.Second.GetAsync("webhooks");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, RateLimitFixture.Burst), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(RateLimitFixture.SecondsPerPermit),
            limited.Headers.RetryAfter?.Delta);
        var problem = await Json.ReadAsync(limited);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.Equal("This key has sent too many requests; try again in 10 s.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedPost.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task A_presented_key_is_limited_before_it_is_checked()
    {
        using var forged = fixture.Silo.Client("jtb_" + new string('f', 43));
        var path = fixture.First.Path("webhooks");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= RateLimitFixture.Burst; i++)
        {
            statuses.Add((await forged.GetAsync(path)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, RateLimitFixture.Burst),
            HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Requests_without_a_key_are_refused_but_not_counted()
    {
        using var anonymous = fixture.Silo.Client();
        var path = fixture.First.Path("webhooks");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 2 * RateLimitFixture.Burst; i++)
        {
            statuses.Add((await anonymous.GetAsync(path)).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 2 * RateLimitFixture.Burst),
            statuses);
    }

    [Fact]
    public void Limits_come_from_configuration_with_generous_defaults()
    {
        var defaults = RateLimitSettings.Load(Configuration([]));
        var configured = RateLimitSettings.Load(Configuration(new()
        {
            ["RateLimit:PermitsPerSecond"] = "2.5",
            ["RateLimit:Burst"] = "7",
        }));

        Assert.Equal(new RateLimitSettings(50, 100), defaults);
        Assert.Equal(new RateLimitSettings(2.5, 7), configured);
    }

    [Theory]
    [InlineData("RateLimit:PermitsPerSecond", "fast")]
    [InlineData("RateLimit:PermitsPerSecond", "0")]
    [InlineData("RateLimit:PermitsPerSecond", "-1")]
    [InlineData("RateLimit:Burst", "0")]
    [InlineData("RateLimit:Burst", "1.5")]
    public void A_bad_limit_stops_the_start_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RateLimitSettings.Load(Configuration(new() { [key] = value })));

        Assert.StartsWith($"Invalid configuration: '{key}' must be", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
