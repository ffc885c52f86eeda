using Jinba.Webhooks.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace Jinba.Webhooks.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class SsrfCollection : ICollectionFixture<SsrfFixture>
{
    public const string Name = "front silo, production address rules";
}

/// <summary>
/// A front silo that refuses private networks as production does (plain http stays allowed so
/// loopback receivers can stand in as targets), with host names resolved by the test.
/// </summary>
public sealed class SsrfFixture : IAsyncLifetime
{
    public FrontSiloInstance Silo { get; private set; } = null!;

    public TestHostResolver Names { get; } = new();

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public AddressPolicy Policy => Silo.Services.GetRequiredService<AddressPolicy>();

    public async Task InitializeAsync()
    {
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["Delivery:AllowPrivateNetworks"] = "false";
        settings["Delivery:AllowHttp"] = "true";
        Silo = await FrontSiloInstance.StartAsync(settings,
            builder => builder.Services.AddSingleton<IHostResolver>(Names));
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    public Task<OrgClient> NewOrgAsync() => Silo.NewOrgAsync();
}
