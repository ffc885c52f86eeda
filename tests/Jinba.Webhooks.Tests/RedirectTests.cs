using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[Collection(ApiCollection.Name)]
public sealed class RedirectTests(ApiFixture fixture) : IAsyncLifetime
{
    private Receiver _receiver = null!;
    private Receiver _target = null!;

    public async Task InitializeAsync()
    {
        _receiver = await Receiver.StartAsync();
        _target = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _target.DisposeAsync();
    }

    /// <summary>
    /// 307 and 308 would replay the signed POST with its body to wherever the endpoint points,
    /// so no redirect status may be followed, not only 302.
    /// </summary>
    [Theory]
    [InlineData(301)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task No_redirect_is_followed(int status)
    {
        using var org = await fixture.NewOrgAsync();
        var webhook = await org.CreateWebhookAsync(_receiver.Url, "member.added");
        _receiver.Respond = (_, _) => new Reply(status,
            new Dictionary<string, string> { ["Location"] = _target.Url });

        var test = await Json.ReadAsync(await org.PostAsync(
            $"webhooks/{webhook.GetProperty("id").GetString()}/test"));

        Assert.False(test.GetProperty("success").GetBoolean());
        Assert.Equal(status, test.GetProperty("statusCode").GetInt32());
        Assert.Equal($"Redirect ({status}) not followed.", test.GetProperty("error").GetString());
        Assert.Single(_receiver.Requests);
        Assert.Empty(_target.Requests);
    }
}
