using System.Net;
using Jinba.Webhooks.Delivery;
using Jinba.Webhooks.Hosting;

namespace Jinba.Webhooks.Api.Http;

public sealed record CreateWebhookRequest(
    string? Url, List<string>? Events, string? Description, bool? Enabled);

public sealed record UpdateWebhookRequest(
    string? Url, List<string>? Events, string? Description, bool? Enabled);

public sealed record TestWebhookRequest(string? Event);

/// <summary>The rules a webhook's fields must follow, with a message per broken field.</summary>
public sealed class WebhookRules(DeliverySettings delivery)
{
    public const int MaxUrlLength = 2048;
    public const int MaxDescriptionLength = 500;

    public (WebhookDraft? Draft, Dictionary<string, string> Errors) Check(
        CreateWebhookRequest request)
    {
        var errors = new Dictionary<string, string>();
        CheckUrl(request.Url, required: true, errors);
        CheckEvents(request.Events, required: true, errors);
        CheckDescription(request.Description, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new WebhookDraft
        {
            Url = request.Url!,
            Events = request.Events!,
            Description = NullIfEmpty(request.Description),
            Enabled = request.Enabled ?? true,
        }, errors);
    }

    public (WebhookPatch? Patch, Dictionary<string, string> Errors) Check(
        UpdateWebhookRequest request)
    {
        var errors = new Dictionary<string, string>();
        CheckUrl(request.Url, required: false, errors);
        CheckEvents(request.Events, required: false, errors);
        CheckDescription(request.Description, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new WebhookPatch
        {
            Url = request.Url,
            Events = request.Events,
            Description = request.Description,
            Enabled = request.Enabled,
        }, errors);
    }

    private void CheckUrl(string? url, bool required, Dictionary<string, string> errors)
    {
        if (url is null)
        {
            if (required)
            {
                errors["url"] = "Required.";
            }

            return;
        }

        var problem = UrlProblem(url);
        if (problem is not null)
        {
            errors["url"] = problem;
        }
    }

    private string? UrlProblem(string url)
    {
        if (url.Length > MaxUrlLength)
        {
            return $"Must be at most {MaxUrlLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host))
        {
            return "Must be an absolute https URL.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !delivery.AllowHttp)
        {
            return "Must use https.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "Must not contain user info.";
        }

        if (uri.Fragment.Length > 0)
        {
            return "Must not contain a fragment.";
        }

        if (!delivery.AllowPrivateNetworks && IsPrivateHost(uri))
        {
            return "Must not point at a loopback, private or reserved address.";
        }

        return null;
    }

    /// <summary>
    /// An early answer for addresses visible in the URL itself; the connect-time check on the
    /// resolved address is what actually guards deliveries.
    /// </summary>
    private static bool IsPrivateHost(Uri uri)
    {
        // A trailing dot names the same host ("localhost." is localhost) but defeats a plain
        // comparison and IP parsing.
        var host = uri.IdnHost.Trim('[', ']').TrimEnd('.');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host, out var address) && !AddressPolicy.IsPublic(address);
    }

    private static void CheckEvents(List<string>? events, bool required,
        Dictionary<string, string> errors)
    {
        if (events is null)
        {
            if (required)
            {
                errors["events"] = "Required: one or more event types.";
            }

            return;
        }

        if (events.Count == 0)
        {
            errors["events"] = "Must hold at least one event type.";
            return;
        }

        for (var i = 0; i < events.Count; i++)
        {
            if (!EventTypes.IsKnown(events[i]))
            {
                errors[$"events[{i}]"] =
                    $"Unknown event type; use one of {string.Join(", ", EventTypes.All)}.";
            }
            else if (events.IndexOf(events[i]) < i)
            {
                errors[$"events[{i}]"] = $"'{events[i]}' is listed twice.";
            }
        }
    }

    private static void CheckDescription(string? description, Dictionary<string, string> errors)
    {
        if (description is { Length: > MaxDescriptionLength })
        {
            errors["description"] = $"Must be at most {MaxDescriptionLength} characters.";
        }
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
