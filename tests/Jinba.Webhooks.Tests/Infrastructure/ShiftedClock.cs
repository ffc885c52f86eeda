namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// The system clock moved forward by what a test asks for. Only the wall-clock time shifts:
/// timers, timeouts and stopwatches built on it still run in real time, so the silo keeps
/// working while the test jumps over a long wait.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() =>
        base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
