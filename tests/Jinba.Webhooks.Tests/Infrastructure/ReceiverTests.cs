namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>Tests that each get a fresh loopback receiver, stopped after the test.</summary>
public abstract class ReceiverTests : IAsyncLifetime
{
    protected Receiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync() => Receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await Receiver.DisposeAsync();
}
