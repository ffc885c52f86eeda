using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Jinba.Webhooks.Hosting;

public enum StorageProvider
{
    Memory,
    AzureTable,
}

public sealed record StorageSettings(StorageProvider Provider, string? ConnectionString);

public sealed record DeliverySettings
{
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30)];

    public IReadOnlyList<TimeSpan> RetryDelays { get; init; } = DefaultRetryDelays;
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public bool AllowPrivateNetworks { get; init; }
    public bool AllowHttp { get; init; }
    public int AutoDisableAfter { get; init; } = 5;
    public int MaxConcurrentAttempts { get; init; } = 16;

    /// <summary>
    /// How often the durable backstop wakes a webhook that has pending deliveries.
    /// </summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a rotated-out secret keeps signing beside the new one.</summary>
    public TimeSpan SecretOverlap { get; init; } = TimeSpan.FromHours(24);
}

public sealed record LimitSettings
{
    public int MaxWebhooksPerOrg { get; init; } = 100;
    public int MaxPayloadBytes { get; init; } = 262_144;

    /// <summary>Finished deliveries kept per webhook; older ones are deleted.</summary>
    public int DeliveryLogSize { get; init; } = 1_000;

    /// <summary>The most deliveries one recover call queues again.</summary>
    public int RecoverLimit { get; init; } = 1_000;
}

public sealed record ClusterSettings
{
    public string ClusterId { get; init; } = "jinba-webhooks";
    public string ServiceId { get; init; } = "jinba-webhooks";
    public int SiloPort { get; init; } = 11111;
    public int GatewayPort { get; init; } = 30000;
    public IPAddress AdvertisedIPAddress { get; init; } = IPAddress.Loopback;
}

/// <summary>
/// Every setting of the service, read from configuration under the documented keys and checked
/// once at start; a bad value stops the start with a message naming its key.
/// </summary>
public sealed record WebhooksSettings(
    StorageSettings Storage,
    DeliverySettings Delivery,
    LimitSettings Limits,
    ClusterSettings Cluster)
{
    /// <summary>A body this size or larger would not fit one Azure Table entity.</summary>
    public const int PayloadCeiling = 786_432;

    public static WebhooksSettings Load(IConfiguration configuration, IHostEnvironment environment)
    {
        var reader = new SettingsReader(configuration);
        var development = environment.IsDevelopment();

        var provider = reader.Enum("Storage:Provider",
            development ? StorageProvider.Memory : (StorageProvider?)null);
        var connectionString = configuration["Storage:ConnectionString"];
        if (provider == StorageProvider.AzureTable && string.IsNullOrWhiteSpace(connectionString))
        {
            throw SettingsReader.Invalid("Storage:ConnectionString",
                "is required when Storage:Provider is AzureTable");
        }

        var defaults = new DeliverySettings();
        var delivery = new DeliverySettings
        {
            RetryDelays = reader.TimeSpans("Delivery:RetryDelays", defaults.RetryDelays),
            AttemptTimeout = reader.TimeSpan("Delivery:AttemptTimeout", defaults.AttemptTimeout,
                TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)),
            AllowPrivateNetworks = reader.Bool("Delivery:AllowPrivateNetworks", development),
            AllowHttp = reader.Bool("Delivery:AllowHttp", development),
            AutoDisableAfter = reader.Int("Delivery:AutoDisableAfter", defaults.AutoDisableAfter,
                0, 10_000),
            MaxConcurrentAttempts = reader.Int("Delivery:MaxConcurrentAttempts",
                defaults.MaxConcurrentAttempts, 1, 1_000),
            ReminderPeriod = reader.TimeSpan("Delivery:ReminderPeriod", defaults.ReminderPeriod,
                TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            SecretOverlap = reader.TimeSpan("Delivery:SecretOverlap", defaults.SecretOverlap,
                TimeSpan.Zero, TimeSpan.FromDays(30)),
        };

        var limitDefaults = new LimitSettings();
        var limits = new LimitSettings
        {
            MaxWebhooksPerOrg = reader.Int("Limits:MaxWebhooksPerOrg",
                limitDefaults.MaxWebhooksPerOrg, 1, 10_000),
            MaxPayloadBytes = reader.Int("Limits:MaxPayloadBytes", limitDefaults.MaxPayloadBytes,
                2, PayloadCeiling),
            DeliveryLogSize = reader.Int("Limits:DeliveryLogSize", limitDefaults.DeliveryLogSize,
                10, 100_000),
            RecoverLimit = reader.Int("Limits:RecoverLimit", limitDefaults.RecoverLimit,
                1, 100_000),
        };

        var clusterDefaults = new ClusterSettings();
        var cluster = new ClusterSettings
        {
            ClusterId = reader.Text("Orleans:ClusterId", clusterDefaults.ClusterId),
            ServiceId = reader.Text("Orleans:ServiceId", clusterDefaults.ServiceId),
            SiloPort = reader.Int("Orleans:SiloPort", clusterDefaults.SiloPort, 1, 65_535),
            GatewayPort = reader.Int("Orleans:GatewayPort", clusterDefaults.GatewayPort, 1, 65_535),
            AdvertisedIPAddress = reader.Address("Orleans:AdvertisedIPAddress",
                clusterDefaults.AdvertisedIPAddress),
        };

        return new WebhooksSettings(new StorageSettings(provider, connectionString), delivery,
            limits, cluster);
    }
}

/// <summary>Reads typed values from configuration and names the key when one is wrong.</summary>
internal sealed class SettingsReader(IConfiguration configuration)
{
    public static InvalidOperationException Invalid(string key, string problem) =>
        new($"Invalid configuration: '{key}' {problem}.");

    public T Enum<T>(string key, T? fallback) where T : struct, System.Enum
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback ?? throw Invalid(key, "is required; set it to "
                + string.Join(" or ", System.Enum.GetNames<T>()));
        }

        if (System.Enum.TryParse<T>(text, ignoreCase: true, out var value)
            && System.Enum.IsDefined(value))
        {
            return value;
        }

        throw Invalid(key, $"must be one of {string.Join(", ", System.Enum.GetNames<T>())}");
    }

    public string Text(string key, string fallback)
    {
        var text = configuration[key];
        return string.IsNullOrWhiteSpace(text) ? fallback : text.Trim();
    }

    public bool Bool(string key, bool fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return bool.TryParse(text, out var value)
            ? value
            : throw Invalid(key, "must be true or false");
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        throw Invalid(key, $"must be a whole number from {min} to {max}");
    }

    public TimeSpan TimeSpan(string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        var text = configuration[key];
        return string.IsNullOrWhiteSpace(text) ? fallback : ParseTimeSpan(key, text, min, max);
    }

    /// <summary>
    /// A list given either as indexed children (<c>Key:0</c>, <c>Key:1</c>) or as one
    /// comma-separated value.
    /// </summary>
    public IReadOnlyList<TimeSpan> TimeSpans(string key, IReadOnlyList<TimeSpan> fallback)
    {
        var section = configuration.GetSection(key);
        var texts = section.GetChildren().Any()
            ? section.GetChildren().Select(child => child.Value ?? "").ToList()
            : (section.Value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (texts.Count == 0)
        {
            return fallback;
        }

        if (texts.Count > 20)
        {
            throw Invalid(key, "may hold at most 20 delays");
        }

        return texts
            .Select(text =>
                ParseTimeSpan(key, text, System.TimeSpan.Zero, System.TimeSpan.FromDays(7)))
            .ToList();
    }

    public IPAddress Address(string key, IPAddress fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return IPAddress.TryParse(text, out var address)
            ? address
            : throw Invalid(key, "must be an IP address");
    }

    private static TimeSpan ParseTimeSpan(string key, string text, TimeSpan min, TimeSpan max)
    {
        if (System.TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        throw Invalid(key, $"must be a duration (hh:mm:ss) from {min} to {max}");
    }
}
