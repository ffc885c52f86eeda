using Jinba.Webhooks.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jinba.Webhooks.Api.Endpoints;

/// <summary>A delivery with every attempt and the exact request body it sends.</summary>
public sealed record DeliveryView(
    string Id, string EventId, string Event, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt,
    int? StatusCode, string? FailureReason, IReadOnlyList<AttemptView> AttemptLog,
    string RequestBody)
{
    public static DeliveryView From(DeliveryDetail detail)
    {
        var summary = detail.Summary;
        return new DeliveryView(summary.Id, summary.EventId, summary.Event, summary.Status,
            summary.Attempts, summary.CreatedAt, summary.LastAttemptAt, summary.NextAttemptAt,
            summary.StatusCode, summary.FailureReason, detail.AttemptLog, detail.Body);
    }
}

public sealed record RecoverRequest(DateTimeOffset? Since, DateTimeOffset? Until);

public sealed record RecoverView(int Recovered);

/// <summary>
/// The delivery log of a webhook, retries by hand and recovery of failed deliveries.
/// </summary>
public static class DeliveriesApi
{
    public static RouteGroupBuilder MapDeliveriesApi(this RouteGroupBuilder webhooks)
    {
        webhooks.MapGet("/{webhookId}/deliveries", ListAsync).ProducesValidationProblem();
        webhooks.MapGet("/{webhookId}/deliveries/{deliveryId}", GetAsync);
        webhooks.MapPost("/{webhookId}/deliveries/{deliveryId}/retry", RetryAsync);
        webhooks.MapPost("/{webhookId}/recover", RecoverAsync)
            .Accepts<RecoverRequest>("application/json").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return webhooks;
    }

    private static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> ListAsync(
        string orgId, string webhookId, IGrainFactory grains, string? status = null,
        string? @event = null, string? cursor = null, string? limit = null)
    {
        var errors = new Dictionary<string, string>();
        if (status is not null && !DeliveryStatuses.All.Contains(status))
        {
            errors["status"] = $"Must be one of {string.Join(", ", DeliveryStatuses.All)}.";
        }

        if (@event is not null && !EventTypes.IsKnown(@event))
        {
            errors["event"] =
                $"Unknown event type; use one of {string.Join(", ", EventTypes.All)}.";
        }

        if (cursor is not null && !Ids.IsDeliveryId(cursor))
        {
            errors["cursor"] = "Must be the nextCursor of an earlier page.";
        }

        var size = 20;
        if (limit is not null && (!int.TryParse(limit, out size) || size is < 1 or > 100))
        {
            errors["limit"] = $"Must be a whole number from 1 to {DeliveryQuery.MaxLimit}.";
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var page = await grains.GetGrain<IWebhookGrain>(webhookId).ListDeliveriesAsync(orgId,
            new DeliveryQuery { Status = status, Event = @event, Cursor = cursor, Limit = size });
        return page is null ? Problems.NotFound("webhook") : TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> GetAsync(
        string orgId, string webhookId, string deliveryId, IGrainFactory grains)
    {
        if (!Ids.IsDeliveryId(deliveryId))
        {
            return Problems.NotFound("delivery");
        }

        var detail = await grains.GetGrain<IWebhookGrain>(webhookId)
            .GetDeliveryAsync(orgId, deliveryId);
        return detail is null
            ? Problems.NotFound("delivery")
            : TypedResults.Ok(DeliveryView.From(detail));
    }

    private static async Task<Results<Ok<DeliveryView>, ProblemHttpResult>> RetryAsync(
        string orgId, string webhookId, string deliveryId, IGrainFactory grains)
    {
        if (!Ids.IsDeliveryId(deliveryId))
        {
            return Problems.NotFound("delivery");
        }

        var detail = await grains.GetGrain<IWebhookGrain>(webhookId)
            .RetryDeliveryAsync(orgId, deliveryId);
        return detail is null
            ? Problems.NotFound("delivery")
            : TypedResults.Ok(DeliveryView.From(detail));
    }

    private static async Task<Results<Accepted<RecoverView>, ProblemHttpResult>> RecoverAsync(
        string orgId, string webhookId, HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<RecoverRequest>(request);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (since, until) = (body.Value!.Since, body.Value.Until);
        if (since is null)
        {
            return Problems.Invalid("since", "Required: the start of the window (ISO 8601).");
        }

        if (until is not null && until <= since)
        {
            return Problems.Invalid("until", "Must be later than since.");
        }

        var result = await grains.GetGrain<IWebhookGrain>(webhookId)
            .RecoverAsync(orgId, since.Value, until);
        return result.Outcome switch
        {
            RecoverOutcome.NotFound => Problems.NotFound("webhook"),
            RecoverOutcome.Disabled => Problems.Conflict(
                "The webhook is disabled; enable it before recovering its deliveries."),
            _ => TypedResults.Accepted((string?)null, new RecoverView(result.Recovered)),
        };
    }
}
