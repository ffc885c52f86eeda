using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Jinba.Webhooks.Api.Http;

/// <summary>
/// Turns failures of the cluster or of storage into a 503 the caller can retry, and a grain's
/// refusal of bad input into a 400, so no request reachable by a user ends in a bare 500.
/// </summary>
public sealed partial class UnavailableExceptionHandler(
    IProblemDetailsService problems,
    ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception,
        CancellationToken cancellationToken)
    {
        var http = httpContext;
        var (status, title, detail) = exception switch
        {
            ArgumentException argument => (StatusCodes.Status400BadRequest,
                "The request is not valid", argument.Message),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            _ => (StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The service could not complete the request; try again shortly."),
        };

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception, http.Request.Method, http.Request.Path);
            http.Response.Headers.RetryAfter = "5";
        }

        http.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(3001, LogLevel.Error, "{Method} {Path} failed")]
    private partial void LogUnavailable(Exception error, string method, string path);
}
