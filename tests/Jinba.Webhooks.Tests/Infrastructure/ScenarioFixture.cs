using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ScenarioCollection : ICollectionFixture<ScenarioFixture>
{
    public const string Name = "front silo, shifted clock and captured logs";
}

/// <summary>
/// A front silo whose wall clock the tests can move forward, with a one-minute secret overlap,
/// and whose every log entry, at every level and in every category, is captured.
/// </summary>
public sealed class ScenarioFixture : IAsyncLifetime
{
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromMinutes(1);

    public FrontSiloInstance Silo { get; private set; } = null!;

    public ShiftedClock Clock { get; } = new();

    public LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["Delivery:SecretOverlap"] = SecretOverlap.ToString();
        Silo = await FrontSiloInstance.StartAsync(settings, builder =>
        {
            // Registered before the silo's own TryAdd of the system clock, so this one is used.
            builder.Services.AddSingleton<TimeProvider>(Clock);
            builder.Logging.AddProvider(Logs);
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddFilter<LogCapture>(null, LogLevel.Trace);
        });
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    public Task<OrgClient> NewOrgAsync() => Silo.NewOrgAsync();
}
