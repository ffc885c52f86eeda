using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Jinba.Webhooks;

/// <summary>
/// Identifiers of the service: a prefix and 26 Crockford base32 characters holding a millisecond
/// timestamp and 80 random bits, so ids are unique, unguessable and sortable by creation time.
/// </summary>
public static partial class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const long MaxTimestamp = (1L << 48) - 1;

    public const string EventPrefix = "evt_";
    public const string WebhookPrefix = "wh_";
    public const string DeliveryPrefix = "dlv_";
    public const string ApiKeyPrefix = "key_";

    public static string NewEvent(DateTimeOffset now) =>
        EventPrefix + Sortable(now, inverted: false);

    public static string NewWebhook(DateTimeOffset now) =>
        WebhookPrefix + Sortable(now, inverted: false);

    /// <summary>
    /// Delivery ids sort newest first, so a table scan reads the log in that order.
    /// </summary>
    public static string NewDelivery(DateTimeOffset now) =>
        DeliveryPrefix + Sortable(now, inverted: true);

    public static string NewApiKey(DateTimeOffset now) =>
        ApiKeyPrefix + Sortable(now, inverted: false);

    public static bool IsOrgId(string? value) => value is not null && OrgIdPattern().IsMatch(value);

    public static bool IsWebhookId(string? value) =>
        value is not null && WebhookIdPattern().IsMatch(value);

    public static bool IsDeliveryId(string? value) =>
        value is not null && DeliveryIdPattern().IsMatch(value);

    public static bool IsApiKeyId(string? value) =>
        value is not null && ApiKeyIdPattern().IsMatch(value);

    /// <summary>
    /// Event ids are chosen by producers too, so any safe printable token is accepted.
    /// </summary>
    public static bool IsEventId(string? value) =>
        value is not null && EventIdPattern().IsMatch(value);

    private static string Sortable(DateTimeOffset now, bool inverted)
    {
        var milliseconds = Math.Clamp(now.ToUnixTimeMilliseconds(), 0, MaxTimestamp);
        if (inverted)
        {
            milliseconds = MaxTimestamp - milliseconds;
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        RandomNumberGenerator.Fill(bytes[6..]);
        return Encode(bytes);
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        Span<char> chars = stackalloc char[26];
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }

        return new string(chars);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex OrgIdPattern();

    [GeneratedRegex("^wh_[0-9A-Z]{26}$")]
    private static partial Regex WebhookIdPattern();

    [GeneratedRegex("^dlv_[0-9A-Z]{26}$")]
    private static partial Regex DeliveryIdPattern();

    [GeneratedRegex("^key_[0-9A-Z]{26}$")]
    private static partial Regex ApiKeyIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")]
    private static partial Regex EventIdPattern();
}
