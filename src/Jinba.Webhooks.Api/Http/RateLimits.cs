using System.Globalization;
using System.Threading.RateLimiting;
using Jinba.Webhooks.Api.Auth;
using Jinba.Webhooks.Delivery;
using Microsoft.AspNetCore.RateLimiting;

namespace Jinba.Webhooks.Api.Http;

/// <summary>
/// How fast one bearer key may call the API: a token bucket per key holding <see cref="Burst"/>
/// requests and refilling at <see cref="PermitsPerSecond"/>, from <c>RateLimit:*</c>.
/// </summary>
public sealed record RateLimitSettings(double PermitsPerSecond, int Burst)
{
    public const double DefaultPermitsPerSecond = 50;
    public const int DefaultBurst = 100;

    private const double MaxPermitsPerSecond = 100_000;
    private const double MinPermitsPerSecond = 0.001;
    private const int MaxBurst = 1_000_000;

    public static RateLimitSettings Load(IConfiguration configuration)
    {
        var permits = DefaultPermitsPerSecond;
        var text = configuration["RateLimit:PermitsPerSecond"];
        if (!string.IsNullOrWhiteSpace(text)
            && (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture,
                    out permits)
                || permits is < MinPermitsPerSecond or > MaxPermitsPerSecond))
        {
            throw new InvalidOperationException(
                "Invalid configuration: 'RateLimit:PermitsPerSecond' must be a number from "
                + $"{MinPermitsPerSecond} to {MaxPermitsPerSecond}.");
        }

        var burst = DefaultBurst;
        text = configuration["RateLimit:Burst"];
        if (!string.IsNullOrWhiteSpace(text)
            && (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out burst)
                || burst is < 1 or > MaxBurst))
        {
            throw new InvalidOperationException(
                "Invalid configuration: 'RateLimit:Burst' must be a whole number from 1 to "
                + $"{MaxBurst}.");
        }

        return new RateLimitSettings(permits, burst);
    }
}

/// <summary>
/// The per-key rate limit of the API, built on ASP.NET Core's rate limiter and applied to the
/// route groups that take a bearer key.
/// </summary>
public static class PerKeyRateLimit
{
    public const string PolicyName = "per-key";

    public static IServiceCollection AddPerKeyRateLimit(this IServiceCollection services,
        RateLimitSettings settings)
    {
        // One token every 1/rate seconds refills the bucket smoothly, and lets a rate below one
        // a second mean what it says.
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / settings.PermitsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            options.AddPolicy(PolicyName, context => Partition(context, bucket));
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext context,
        TokenBucketRateLimiterOptions bucket)
    {
        // Requests without a key are refused before any work is done, so they need no bucket.
        var token = ApiKeyFilters.BearerToken(context.Request);
        if (token is null)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        // Keyed by the hash, so the limiter's table of partitions never holds a usable key.
        return RateLimitPartition.GetTokenBucketLimiter(Secrets.HashApiKey(token), _ => bucket);
    }

    private static async ValueTask RejectAsync(OnRejectedContext context,
        CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.TooManyRequests(seconds).ExecuteAsync(http);
    }
}
