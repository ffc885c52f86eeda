using Jinba.Webhooks.Api.Http;
using Jinba.Webhooks.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jinba.Webhooks.Api.Endpoints;

public sealed record WebhookList(IReadOnlyList<Webhook> Data);

public sealed record SecretView(string Secret);

/// <summary>Registering, changing, testing and removing an organization's webhooks.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder org)
    {
        var webhooks = org.MapGroup("/webhooks").AddEndpointFilter(RequireWellFormedId);
        webhooks.MapGet("/", ListAsync);
        webhooks.MapPost("/", CreateAsync).Accepts<CreateWebhookRequest>("application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        webhooks.MapGet("/{webhookId}", GetAsync);
        webhooks.MapPatch("/{webhookId}", UpdateAsync)
            .Accepts<UpdateWebhookRequest>("application/json").ProducesValidationProblem();
        webhooks.MapDelete("/{webhookId}", DeleteAsync);
        webhooks.MapPost("/{webhookId}/test", TestAsync)
            .Accepts<TestWebhookRequest>("application/json").ProducesValidationProblem();
        webhooks.MapGet("/{webhookId}/secret", RevealSecretAsync);
        webhooks.MapPost("/{webhookId}/secret/rotate", RotateSecretAsync);
        webhooks.MapDeliveriesApi();
        return org;
    }

    private static async Task<Ok<WebhookList>> ListAsync(string orgId, IGrainFactory grains)
    {
        var webhooks = await grains.GetGrain<IOrganizationGrain>(orgId).ListWebhooksAsync();
        return TypedResults.Ok(new WebhookList(webhooks));
    }

    private static async Task<Results<Created<Webhook>, ProblemHttpResult>> CreateAsync(
        string orgId, HttpRequest request, WebhookRules rules, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CreateWebhookRequest>(request);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (draft, errors) = rules.Check(body.Value!);
        if (draft is null)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IOrganizationGrain>(orgId).CreateWebhookAsync(draft);
        if (result.Change == WebhookChange.LimitReached)
        {
            return Problems.Conflict("The organization has reached its limit of webhooks.");
        }

        var webhook = result.Webhook!;
        return TypedResults.Created($"/v1/orgs/{orgId}/webhooks/{webhook.Id}", webhook);
    }

    private static async Task<Results<Ok<Webhook>, ProblemHttpResult>> GetAsync(
        string orgId, string webhookId, IGrainFactory grains)
    {
        var webhook = await grains.GetGrain<IWebhookGrain>(webhookId).GetAsync(orgId);
        return webhook is null ? Problems.NotFound("webhook") : TypedResults.Ok(webhook);
    }

    private static async Task<Results<Ok<Webhook>, ProblemHttpResult>> UpdateAsync(
        string orgId, string webhookId, HttpRequest request, WebhookRules rules,
        IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<UpdateWebhookRequest>(request);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (patch, errors) = rules.Check(body.Value!);
        if (patch is null)
        {
            return Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IOrganizationGrain>(orgId)
            .UpdateWebhookAsync(webhookId, patch);
        return result.Webhook is null
            ? Problems.NotFound("webhook")
            : TypedResults.Ok(result.Webhook);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string orgId, string webhookId, IGrainFactory grains)
    {
        var deleted = await grains.GetGrain<IOrganizationGrain>(orgId)
            .DeleteWebhookAsync(webhookId);
        return deleted ? TypedResults.NoContent() : Problems.NotFound("webhook");
    }

    private static async Task<Results<Ok<AttemptResult>, ProblemHttpResult>> TestAsync(
        string orgId, string webhookId, HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<TestWebhookRequest>(request, optional: true);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var eventType = body.Value?.Event;
        if (eventType is not null && !EventTypes.IsKnown(eventType) && eventType != EventTypes.Test)
        {
            return Problems.Invalid("event",
                $"Unknown event type; use one of {string.Join(", ", EventTypes.All)}.");
        }

        var result = await grains.GetGrain<IWebhookGrain>(webhookId)
            .SendTestAsync(orgId, eventType);
        return result is null ? Problems.NotFound("webhook") : TypedResults.Ok(result);
    }

    private static Task<Results<Ok<SecretView>, ProblemHttpResult>> RevealSecretAsync(
        string orgId, string webhookId, IGrainFactory grains) =>
        SecretAsync(grains.GetGrain<IWebhookGrain>(webhookId).RevealSecretAsync(orgId));

    private static Task<Results<Ok<SecretView>, ProblemHttpResult>> RotateSecretAsync(
        string orgId, string webhookId, IGrainFactory grains) =>
        SecretAsync(grains.GetGrain<IWebhookGrain>(webhookId).RotateSecretAsync(orgId));

    private static async Task<Results<Ok<SecretView>, ProblemHttpResult>> SecretAsync(
        Task<Webhook?> call)
    {
        var webhook = await call;
        return webhook is null
            ? Problems.NotFound("webhook")
            : TypedResults.Ok(new SecretView(webhook.Secret));
    }

    /// <summary>A malformed webhook id is answered 404 before any grain is touched.</summary>
    private static async ValueTask<object?> RequireWellFormedId(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var id = context.HttpContext.Request.RouteValues["webhookId"] as string;
        return id is null || Ids.IsWebhookId(id)
            ? await next(context)
            : Problems.NotFound("webhook");
    }
}
