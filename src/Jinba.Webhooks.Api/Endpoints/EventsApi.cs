using Jinba.Webhooks.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Jinba.Webhooks.Api.Endpoints;

/// <summary>
/// Publishing an event to every enabled webhook of the organization that wants it.
/// </summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApi(this RouteGroupBuilder org)
    {
        org.MapPost("/events", PublishAsync).Accepts<PublishEventRequest>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return org;
    }

    private static async Task<Results<Accepted<PublishResult>, ProblemHttpResult>> PublishAsync(
        string orgId, HttpRequest request, PublishRules rules, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<PublishEventRequest>(request);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var (publication, errors, tooLarge) = rules.Check(body.Value!);
        if (publication is null)
        {
            return tooLarge ? Problems.TooLarge("data", errors["data"]) : Problems.Invalid(errors);
        }

        var result = await grains.GetGrain<IOrganizationGrain>(orgId).PublishAsync(publication);
        return TypedResults.Accepted((string?)null, result);
    }
}
