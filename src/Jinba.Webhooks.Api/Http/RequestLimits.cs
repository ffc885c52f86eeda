using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Jinba.Webhooks.Api.Http;

/// <summary>
/// Size limits on the request target, the headers and the declared body, answered with a
/// problem detail before any endpoint runs, on every route. Kestrel's own limits are set above
/// these: a request past them never reaches the application and gets Kestrel's bare 4xx.
/// </summary>
public static class RequestLimits
{
    /// <summary>Path and query string as sent.</summary>
    public const int MaxTargetLength = 4096;

    /// <summary>Names and values of all headers together.</summary>
    public const int MaxHeaderBytes = 16_384;

    /// <summary>Kestrel's hard limits, above the ones answered here.</summary>
    public static void ConfigureServerLimits(KestrelServerLimits limits, long maxBodyBytes)
    {
        limits.MaxRequestBodySize = maxBodyBytes;
        limits.MaxRequestLineSize = 2 * MaxTargetLength;
        limits.MaxRequestHeadersTotalSize = 2 * MaxHeaderBytes;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var problem = Check(context);
            if (problem is null)
            {
                await next(context);
                return;
            }

            // The body is left unread: closing the connection is cheaper than draining it.
            context.Response.Headers.Connection = "close";
            await problem.ExecuteAsync(context);
        });

    private static ProblemHttpResult? Check(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget
            ?? request.Path.Value + request.QueryString.Value;
        if (target.Length > MaxTargetLength)
        {
            return Problems.OverLimit(StatusCodes.Status414UriTooLong, "URI too long", "path",
                $"The path and query must be at most {MaxTargetLength} characters.");
        }

        var headerBytes = 0L;
        foreach (var (name, values) in request.Headers)
        {
            headerBytes += name.Length;
            foreach (var value in values)
            {
                headerBytes += value?.Length ?? 0;
            }
        }

        if (headerBytes > MaxHeaderBytes)
        {
            return Problems.OverLimit(StatusCodes.Status431RequestHeaderFieldsTooLarge,
                "Request header fields too large", "headers",
                $"The headers must add up to at most {MaxHeaderBytes} bytes.");
        }

        var maxBody = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (request.ContentLength > maxBody)
        {
            return Problems.TooLarge("body", $"The body must be at most {maxBody} bytes.");
        }

        return null;
    }
}
