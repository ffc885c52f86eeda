namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// The books of a test: which event each webhook was promised, and which ones its receiver
/// accepted with a 2xx. Every promised event must be accepted at least once, nothing may arrive
/// that was not published, and repeats are counted. Webhooks are told apart by the path of
/// their URL.
/// </summary>
public sealed class DeliveryLedger
{
    private readonly Lock _gate = new();
    private readonly HashSet<(string Path, string EventId)> _published = [];
    private readonly Dictionary<(string Path, string EventId), int> _accepted = [];
    private readonly Dictionary<(string Path, string EventId), int> _requests = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Records a publish that was acknowledged to the webhook at that path.</summary>
    public void Published(string path, string eventId)
    {
        lock (_gate)
        {
            _published.Add((path, eventId));
        }
    }

    /// <summary>
    /// A receiver's answer function that books each request and answers it by the policy.
    /// </summary>
    public Func<ReceivedRequest, int, Reply> Answer(Func<ReceivedRequest, Reply> policy) =>
        (request, _) =>
        {
            var reply = policy(request);
            var key = (request.Path, request.Header("X-Webhook-Id"));
            lock (_gate)
            {
                _requests[key] = _requests.GetValueOrDefault(key) + 1;
                if (reply.Succeeds)
                {
                    _accepted[key] = _accepted.GetValueOrDefault(key) + 1;
                }
            }

            Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
            return reply;
        };

    public int PublishedCount
    {
        get
        {
            lock (_gate)
            {
                return _published.Count;
            }
        }
    }

    /// <summary>Published events no receiver has accepted yet.</summary>
    public IReadOnlyList<(string Path, string EventId)> Missing
    {
        get
        {
            lock (_gate)
            {
                return _published.Where(key => !_accepted.ContainsKey(key)).ToList();
            }
        }
    }

    /// <summary>Events that arrived at a webhook without having been published to it.</summary>
    public IReadOnlyList<(string Path, string EventId)> Unexpected
    {
        get
        {
            lock (_gate)
            {
                return _requests.Keys.Where(key => !_published.Contains(key)).ToList();
            }
        }
    }

    /// <summary>Events accepted more than once, with how often.</summary>
    public IReadOnlyDictionary<(string Path, string EventId), int> Duplicates
    {
        get
        {
            lock (_gate)
            {
                return _accepted.Where(entry => entry.Value > 1)
                    .ToDictionary(entry => entry.Key, entry => entry.Value);
            }
        }
    }

    /// <summary>Requests of any outcome that one event made to one webhook.</summary>
    public int Requests(string path, string eventId)
    {
        lock (_gate)
        {
            return _requests.GetValueOrDefault((path, eventId));
        }
    }

    /// <summary>Waits until every published event was accepted, or fails naming the rest.</summary>
    public async Task WaitUntilCompleteAsync(TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var signal = _changed.Task;
            var missing = Missing;
            if (missing.Count == 0)
            {
                return;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(signal, Task.Delay(left)) != signal)
            {
                throw new TimeoutException($"{missing.Count} of {PublishedCount} deliveries "
                    + $"never arrived, such as {string.Join(", ", missing.Take(5))}.");
            }
        }
    }

    /// <summary>The exact verdict: all arrived, none unpublished.</summary>
    public void AssertComplete()
    {
        Assert.Empty(Missing);
        Assert.Empty(Unexpected);
    }

    private static TaskCompletionSource NewSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
