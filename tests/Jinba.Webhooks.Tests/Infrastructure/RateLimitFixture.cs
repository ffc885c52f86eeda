namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RateLimitCollection : ICollectionFixture<RateLimitFixture>
{
    public const string Name = "front silo, small rate limit";
}

/// <summary>
/// A front silo whose keys may send 3 requests at once and then one every 10 seconds, and two
/// organizations made up front, since the operator key is limited like any other.
/// </summary>
public sealed class RateLimitFixture : IAsyncLifetime
{
    public const int Burst = 3;
    public const int SecondsPerPermit = 10;

    public FrontSiloInstance Silo { get; private set; } = null!;

    public OrgClient First { get; private set; } = null!;

    public OrgClient Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["RateLimit:PermitsPerSecond"] = (1.0 / SecondsPerPermit).ToString("0.0##",
            System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimit:Burst"] = Burst.ToString();
        Silo = await FrontSiloInstance.StartAsync(settings);
        First = await Silo.NewOrgAsync();
        Second = await Silo.NewOrgAsync();
    }

    public async Task DisposeAsync()
    {
        First.Dispose();
        Second.Dispose();
        await Silo.DisposeAsync();
    }
}
