using System.Security.Cryptography;
using System.Text;
using Jinba.Webhooks.Api.Http;
using Jinba.Webhooks.Delivery;

namespace Jinba.Webhooks.Api.Auth;

/// <summary>
/// Bearer key checks applied once on each route group. An organization key opens only its own
/// organization; any other organization looks as if it did not exist.
/// </summary>
public static class ApiKeyFilters
{
    private const int MaxKeyLength = 256;

    /// <summary>Requires a key of the organization named in the route.</summary>
    public static TBuilder RequireOrgKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var token = BearerToken(http.Request);
            if (token is null || !token.StartsWith(Secrets.ApiKeyPrefix, StringComparison.Ordinal))
            {
                return Challenge(http);
            }

            var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
            var key = await grains.GetGrain<IApiKeyGrain>(Secrets.HashApiKey(token))
                .AuthenticateAsync();
            if (key is null)
            {
                return Challenge(http);
            }

            var orgId = http.Request.RouteValues["orgId"] as string;
            if (!string.Equals(key.OrgId, orgId, StringComparison.Ordinal))
            {
                return Problems.UnknownOrganization();
            }

            return await next(context);
        });

    /// <summary>Requires the operator key from configuration.</summary>
    public static TBuilder RequireOperatorKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var auth = http.RequestServices.GetRequiredService<AuthSettings>();
            var token = BearerToken(http.Request);
            if (token is null || !SameKey(token, auth.OperatorKey))
            {
                return Challenge(http);
            }

            return await next(context);
        });

    /// <summary>The presented bearer token; null when absent or of an implausible length.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length is > 0 and <= MaxKeyLength ? token : null;
    }

    /// <summary>
    /// Compares hashes of equal length in constant time, whatever the inputs' lengths.
    /// </summary>
    private static bool SameKey(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Challenge(
        HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized("Send a valid API key as 'Authorization: Bearer jtb_…'.");
    }
}
