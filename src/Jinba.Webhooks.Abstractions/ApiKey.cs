using System.Text;

namespace Jinba.Webhooks;

/// <summary>An organization API key as listed: never the key itself.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.ApiKey")]
public sealed record ApiKey
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }
    [Id(3)] public DateTimeOffset? LastUsedAt { get; init; }
}

/// <summary>A key just created: the only time the key is shown.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.CreatedApiKey")]
public sealed record CreatedApiKey
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Key { get; init; }
    [Id(2)] public required string OrgId { get; init; }
    [Id(3)] public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// What <c>ToString</c> shows, for the logs that print message bodies (Orleans does at
    /// trace level): never the key.
    /// </summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, OrgId = {OrgId}, CreatedAt = {CreatedAt:O}");
        return true;
    }
}
