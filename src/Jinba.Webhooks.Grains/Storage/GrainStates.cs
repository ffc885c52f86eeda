namespace Jinba.Webhooks.Storage;

/// <summary>The names of the grain storage providers the grains use.</summary>
public static class StorageNames
{
    public const string Webhooks = "webhooks";
}

/// <summary>A webhook's configuration and its run of finally-failed deliveries.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.WebhookState")]
public sealed class WebhookState
{
    [Id(0)] public string? OrgId { get; set; }
    [Id(1)] public string Url { get; set; } = "";
    [Id(2)] public List<string> Events { get; set; } = [];
    [Id(3)] public string? Description { get; set; }
    [Id(4)] public string Secret { get; set; } = "";
    [Id(5)] public string? PreviousSecret { get; set; }
    [Id(6)] public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    [Id(7)] public bool Enabled { get; set; }
    [Id(8)] public string? DisabledReason { get; set; }
    [Id(9)] public DateTimeOffset CreatedAt { get; set; }
    [Id(10)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(11)] public int ConsecutiveFailures { get; set; }
    [Id(12)] public DateTimeOffset? LastSuccessAt { get; set; }
    [Id(13)] public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>Attempt outcomes per hour, for the last 24 hours.</summary>
    [Id(14)] public List<HourlyOutcomes> Hours { get; set; } = [];
}

[GenerateSerializer, Alias("Jinba.Webhooks.HourlyOutcomes")]
public sealed class HourlyOutcomes
{
    /// <summary>Hours since the Unix epoch.</summary>
    [Id(0)] public long Hour { get; set; }
    [Id(1)] public int Successes { get; set; }
    [Id(2)] public int Failures { get; set; }
}

/// <summary>An organization's webhook subscriptions and API keys.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.OrganizationState")]
public sealed class OrganizationState
{
    [Id(0)] public List<Subscription> Webhooks { get; set; } = [];
    [Id(1)] public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

[GenerateSerializer, Alias("Jinba.Webhooks.Subscription")]
public sealed class Subscription
{
    [Id(0)] public string WebhookId { get; set; } = "";
    [Id(1)] public List<string> Events { get; set; } = [];
}

[GenerateSerializer, Alias("Jinba.Webhooks.ApiKeyEntry")]
public sealed class ApiKeyEntry
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public string Hash { get; set; } = "";
}

/// <summary>One API key, found by the hash of the key.</summary>
[GenerateSerializer, Alias("Jinba.Webhooks.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public string? Id { get; set; }
    [Id(1)] public string? OrgId { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset? LastUsedAt { get; set; }
}
