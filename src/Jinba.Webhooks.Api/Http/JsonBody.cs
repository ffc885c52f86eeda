using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jinba.Webhooks.Api.Http;

/// <summary>
/// Reads a request body strictly: JSON only, no unknown members, no nulls where a value is
/// required, limited depth. Every failure becomes a 4xx problem naming the field.
/// </summary>
public static class JsonBody
{
    public const int MaxDepth = 32;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>The body, or null when it is absent and <paramref name="optional"/>.</summary>
    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, bool optional = false)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !HasBody(request)))
        {
            return optional
                ? new BodyResult<T>(null, null)
                : new BodyResult<T>(null, Problems.Invalid("body", "A JSON body is required."));
        }

        if (!request.HasJsonContentType())
        {
            return new BodyResult<T>(null, Problems.UnsupportedMediaType());
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options,
                request.HttpContext.RequestAborted);
            return value is null
                ? new BodyResult<T>(null, Problems.Invalid("body", "Must be a JSON object."))
                : new BodyResult<T>(value, null);
        }
        catch (JsonException error)
        {
            return new BodyResult<T>(null, Problems.Invalid(FieldOf(error), Describe(error)));
        }
        catch (BadHttpRequestException error)
            when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new BodyResult<T>(null,
                Problems.TooLarge("body", "The request body is too large."));
        }
        catch (BadHttpRequestException)
        {
            return new BodyResult<T>(null, Problems.Invalid("body", "The body could not be read."));
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.Headers.TransferEncoding.Count > 0;

    /// <summary>
    /// The member a JSON error is about, as a dotted path without the leading <c>$</c>.
    /// </summary>
    private static string FieldOf(JsonException error)
    {
        var path = error.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return UnknownMember(error) ?? "body";
        }

        var field = path.TrimStart('$').TrimStart('.');
        var unknown = UnknownMember(error);
        return unknown is null || field.EndsWith(unknown, StringComparison.Ordinal)
            ? (field.Length == 0 ? "body" : field)
            : $"{field}.{unknown}";
    }

    private static string? UnknownMember(JsonException error)
    {
        const string marker = "The JSON property '";
        var message = error.Message;
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }

        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }

    private static string Describe(JsonException error)
    {
        if (UnknownMember(error) is { } member)
        {
            return $"Unknown field '{member}'.";
        }

        if (error.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return $"The JSON is nested deeper than {MaxDepth} levels.";
        }

        return error.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "Has the wrong type."
            : "Malformed JSON.";
    }
}

public sealed record BodyResult<T>(T? Value, ProblemHttpResult? Problem) where T : class;
