using Jinba.Webhooks.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jinba.Webhooks.Api.Endpoints;

public sealed record ApiKeyList(IReadOnlyList<ApiKey> Data);

/// <summary>Organization API keys, managed with the operator key.</summary>
public static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder keys)
    {
        keys.MapPost("/", CreateAsync);
        keys.MapGet("/", ListAsync);
        keys.MapDelete("/{keyId}", RevokeAsync);
        return keys;
    }

    private static async Task<Created<CreatedApiKey>> CreateAsync(string orgId,
        IGrainFactory grains)
    {
        var key = await grains.GetGrain<IOrganizationGrain>(orgId).CreateApiKeyAsync();
        return TypedResults.Created($"/v1/orgs/{orgId}/api-keys/{key.Id}", key);
    }

    private static async Task<Ok<ApiKeyList>> ListAsync(string orgId, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<IOrganizationGrain>(orgId).ListApiKeysAsync();
        return TypedResults.Ok(new ApiKeyList(keys));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        string orgId, string keyId, IGrainFactory grains)
    {
        if (!Ids.IsApiKeyId(keyId))
        {
            return Problems.NotFound("API key");
        }

        var revoked = await grains.GetGrain<IOrganizationGrain>(orgId).RevokeApiKeyAsync(keyId);
        return revoked ? TypedResults.NoContent() : Problems.NotFound("API key");
    }
}
