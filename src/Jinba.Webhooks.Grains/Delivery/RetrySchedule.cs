using Jinba.Webhooks.Hosting;

namespace Jinba.Webhooks.Delivery;

/// <summary>When a failed delivery is tried again, and when it has failed for good.</summary>
public sealed class RetrySchedule(DeliverySettings settings)
{
    /// <summary>
    /// The delay before the next attempt after <paramref name="failedAttempts"/> failures, or null
    /// when the schedule is used up. A <c>Retry-After</c> from the endpoint pushes it out, but
    /// never past the schedule's last step.
    /// </summary>
    public TimeSpan? NextDelay(int failedAttempts, TimeSpan? retryAfter)
    {
        var delays = settings.RetryDelays;
        if (failedAttempts < 1 || failedAttempts > delays.Count)
        {
            return null;
        }

        var delay = delays[failedAttempts - 1];
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked < delays[^1] ? asked : delays[^1];
        }

        return delay;
    }
}
