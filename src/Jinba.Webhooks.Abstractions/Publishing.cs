namespace Jinba.Webhooks;

/// <summary>
/// One event as a producer publishes it: the type, the <c>data</c> object as JSON text, and
/// optionally the idempotency id and the time the event happened.
/// </summary>
[GenerateSerializer, Alias("Jinba.Webhooks.EventPublication")]
public sealed record EventPublication
{
    [Id(0)] public required string Event { get; init; }
    [Id(1)] public required string Data { get; init; }
    [Id(2)] public string? Id { get; init; }
    [Id(3)] public DateTimeOffset? Timestamp { get; init; }
}

/// <summary>
/// What a publish was acknowledged with: the event id and how many webhooks got it.
/// </summary>
[GenerateSerializer, Alias("Jinba.Webhooks.PublishResult")]
public sealed record PublishResult([property: Id(0)] string Id, [property: Id(1)] int Deliveries);

/// <summary>One event queued for one webhook: the exact body every attempt sends.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.DeliveryRequest")]
public sealed record DeliveryRequest
{
    [Id(0)] public required string EventId { get; init; }
    [Id(1)] public required string Event { get; init; }
    [Id(2)] public required byte[] Body { get; init; }
}
