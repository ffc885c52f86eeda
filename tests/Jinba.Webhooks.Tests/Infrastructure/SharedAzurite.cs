namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test run; every cluster keeps its data apart by its own ids. The
/// emulator exits with the test process.
/// </summary>
public static class SharedAzurite
{
    private static readonly Lazy<Task<AzuriteServer>> Server =
        new(() => AzuriteServer.StartAsync());

    public static async Task<string> ConnectionStringAsync() =>
        (await Server.Value).ConnectionString;
}
