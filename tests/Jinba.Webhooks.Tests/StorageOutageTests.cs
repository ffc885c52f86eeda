using System.Net;
using Jinba.Webhooks.Tests.Infrastructure;

namespace Jinba.Webhooks.Tests;

[CollectionDefinition(Name)]
public sealed class StorageOutageCollection
{
    public const string Name = "storage outage";
}

[Collection(StorageOutageCollection.Name)]
public sealed class StorageOutageTests
{
    [Fact]
    public async Task Ready_turns_unhealthy_while_storage_does_not_answer()
    {
        var azurite = await AzuriteServer.StartAsync();
        var settings = await FrontSiloInstance.SettingsAsync();
        settings["Storage:ConnectionString"] = azurite.ConnectionString;
        var silo = await FrontSiloInstance.StartAsync(settings);
        try
        {
            using var anonymous = silo.Client();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);

            azurite.Pause();

            var ready = await Eventually.MatchAsync(() => anonymous.GetAsync("/health/ready"),
                response => response.StatusCode == HttpStatusCode.ServiceUnavailable,
                what: "readiness to fail");
            Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            // Storage comes back so the silo can leave its cluster and stop.
            azurite.Resume();
            await silo.DisposeAsync();
            await azurite.DisposeAsync();
        }
    }
}
