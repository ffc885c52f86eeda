using Jinba.Webhooks.Storage;

namespace Jinba.Webhooks.Grains;

/// <summary>
/// One API key, keyed by the hash of the key: a presented key is hashed and looked up here, so
/// the key itself is never stored. Use is recorded at most once a minute to spare storage.
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState("apikey", StorageNames.Webhooks)] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    private static readonly TimeSpan UseRecordInterval = TimeSpan.FromMinutes(1);
    private DateTimeOffset? _lastUsedAt;

    private bool Exists => state.State.OrgId is not null;

    public async Task<ApiKey?> AuthenticateAsync()
    {
        if (!Exists)
        {
            return null;
        }

        var now = time.GetUtcNow();
        _lastUsedAt = now;
        if (state.State.LastUsedAt is not { } recorded || now - recorded >= UseRecordInterval)
        {
            state.State.LastUsedAt = now;
            await state.WriteStateAsync();
        }

        return View();
    }

    public Task<ApiKey?> GetAsync() => Task.FromResult(Exists ? View() : null);

    public async Task IssueAsync(ApiKey key)
    {
        state.State = new ApiKeyState { Id = key.Id, OrgId = key.OrgId, CreatedAt = key.CreatedAt };
        await state.WriteStateAsync();
    }

    public async Task RevokeAsync()
    {
        await state.ClearStateAsync();
        state.State = new ApiKeyState();
        _lastUsedAt = null;
    }

    private ApiKey View() => new()
    {
        Id = state.State.Id!,
        OrgId = state.State.OrgId!,
        CreatedAt = state.State.CreatedAt,
        LastUsedAt = _lastUsedAt ?? state.State.LastUsedAt,
    };
}
