namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>Waits for a condition observed in the system itself, up to a deadline.</summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> read, Func<T, bool> done,
        TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var shown = value is System.Collections.IEnumerable items and not string
                    ? string.Join(", ", items.Cast<object>())
                    : value?.ToString();
                throw new TimeoutException($"Timed out waiting for {what ?? "a condition"}; "
                    + $"last value: {shown}");
            }

            // Polling state the test cannot subscribe to; the deadline bounds it.
            await Task.Delay(50);
        }
    }
}
