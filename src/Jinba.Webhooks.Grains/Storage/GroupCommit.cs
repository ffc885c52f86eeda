namespace Jinba.Webhooks.Storage;

/// <summary>
/// Shares storage writes between callers: while one write is under way, further items queue and
/// then go out together in the next one. Each caller's task completes once its item is durable.
/// Meant for one grain activation, whose turns never run in parallel.
/// </summary>
internal sealed class GroupCommit<T>(Func<IReadOnlyList<T>, Task> write) where T : class
{
    private List<(T Item, TaskCompletionSource Done)> _queue = [];
    private bool _writing;

    public Task SaveAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((item, done));
        if (!_writing)
        {
            _writing = true;
            _ = WriteQueuedAsync();
        }

        return done.Task;
    }

    public Task SaveAsync(IEnumerable<T> items) => Task.WhenAll(items.Select(SaveAsync));

    private async Task WriteQueuedAsync()
    {
        while (_queue.Count > 0)
        {
            var batch = _queue;
            _queue = [];
            try
            {
                await write(batch.Select(entry => entry.Item).Distinct().ToList());
                batch.ForEach(entry => entry.Done.SetResult());
            }
            catch (Exception error)
            {
                batch.ForEach(entry => entry.Done.SetException(error));
            }
        }

        _writing = false;
    }
}

/// <summary>
/// Writes a grain's state one write at a time; a request made during a write is served by the
/// next one, which carries every change made meanwhile.
/// </summary>
internal sealed class StateWriter(Func<Task> write)
{
    private readonly GroupCommit<object> _commits = new(_ => write());
    private readonly object _request = new();

    public Task WriteAsync() => _commits.SaveAsync(_request);
}

/// <summary>
/// Shares storage reads between callers the way <see cref="GroupCommit{T}"/> shares writes:
/// keys asked for while one read is under way are looked up together in the next one.
/// </summary>
internal sealed class GroupRead<TValue>(
    Func<IReadOnlyList<string>, Task<IReadOnlyDictionary<string, TValue>>> read,
    int maxKeys) where TValue : class
{
    private List<(string Key, TaskCompletionSource<TValue?> Found)> _queue = [];
    private bool _reading;

    public Task<TValue?> GetAsync(string key)
    {
        var found = new TaskCompletionSource<TValue?>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((key, found));
        if (!_reading)
        {
            _reading = true;
            _ = ReadQueuedAsync();
        }

        return found.Task;
    }

    private async Task ReadQueuedAsync()
    {
        while (_queue.Count > 0)
        {
            var batch = _queue.Take(maxKeys).ToList();
            _queue = _queue.Skip(batch.Count).ToList();
            try
            {
                var values = await read(batch.Select(entry => entry.Key).Distinct().ToList());
                batch.ForEach(entry => entry.Found.SetResult(values.GetValueOrDefault(entry.Key)));
            }
            catch (Exception error)
            {
                batch.ForEach(entry => entry.Found.SetException(error));
            }
        }

        _reading = false;
    }
}
