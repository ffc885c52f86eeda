using System.Text;
using System.Text.Json;
using Jinba.Webhooks.Hosting;

namespace Jinba.Webhooks.Api.Http;

public sealed record PublishEventRequest(
    string? Event, JsonElement? Data, string? Id, DateTimeOffset? Timestamp);

/// <summary>The checks a published event passes before any grain sees it.</summary>
public sealed class PublishRules(LimitSettings limits)
{
    public (EventPublication? Publication, Dictionary<string, string> Errors, bool TooLarge) Check(
        PublishEventRequest request)
    {
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrEmpty(request.Event))
        {
            errors["event"] = "Required.";
        }
        else if (!EventTypes.IsKnown(request.Event))
        {
            errors["event"] =
                $"Unknown event type; use one of {string.Join(", ", EventTypes.All)}.";
        }

        if (request.Id is not null && !Ids.IsEventId(request.Id))
        {
            errors["id"] = "Must be 1 to 128 letters, digits or _ . : - and start with a letter "
                + "or digit.";
        }

        if (request.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            errors["data"] = "Required: a JSON object.";
            return (null, errors, false);
        }

        var text = data.GetRawText();
        if (Encoding.UTF8.GetByteCount(text) > limits.MaxPayloadBytes)
        {
            errors["data"] = $"Must be at most {limits.MaxPayloadBytes} bytes.";
            return (null, errors, true);
        }

        if (errors.Count == 0)
        {
            foreach (var (field, problem) in EventCatalog.Validate(request.Event!, data))
            {
                errors[field] = problem;
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors, false);
        }

        return (new EventPublication
        {
            Event = request.Event!,
            Data = text,
            Id = request.Id,
            Timestamp = request.Timestamp,
        }, errors, false);
    }
}
