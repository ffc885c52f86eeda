using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Jinba.Webhooks.Api.Http;

/// <summary>The RFC 9457 problem details the API answers with.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found",
        detail: $"No {what} with that id exists in this organization.");

    /// <summary>An organization the key does not open: as if nothing existed there.</summary>
    public static ProblemHttpResult UnknownOrganization() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Not found",
        detail: "Nothing exists at this address for this key.");

    public static ProblemHttpResult Conflict(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    public static ProblemHttpResult Unauthorized(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    public static ProblemHttpResult TooLarge(string field, string detail) =>
        OverLimit(StatusCodes.Status413PayloadTooLarge, "Payload too large", field, detail);

    public static ProblemHttpResult Invalid(IDictionary<string, string> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(
            errors.ToDictionary(error => error.Key, error => new[] { error.Value }))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Detail = string.Join(" ", errors.Select(error => $"{error.Key}: {error.Value}")),
        });

    public static ProblemHttpResult Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string> { [field] = message });

    public static ProblemHttpResult TooManyRequests(int retryAfterSeconds) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"This key has sent too many requests; try again in {retryAfterSeconds} s.");

    /// <summary>A request over one of the server's size limits, naming what is too large.</summary>
    public static ProblemHttpResult OverLimit(int status, string title, string field,
        string detail) => TypedResults.Problem(
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = title,
            Detail = detail,
        });

    public static ProblemHttpResult UnsupportedMediaType() => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported media type",
        detail: "Send the body as application/json.");
}
