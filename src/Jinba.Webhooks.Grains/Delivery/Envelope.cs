using System.Globalization;
using System.Text.Json;

namespace Jinba.Webhooks.Delivery;

/// <summary>The JSON body of every delivery: the same bytes on every attempt.</summary>
public static class Envelope
{
    public static byte[] Build(string eventId, string eventType, string orgId,
        DateTimeOffset timestamp, JsonElement data, bool test = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", eventId);
            writer.WriteString("event", eventType);
            writer.WriteString("orgId", orgId);
            writer.WriteString("timestamp", FormatTimestamp(timestamp));
            if (test)
            {
                writer.WriteBoolean("test", true);
            }

            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>ISO 8601 in UTC with milliseconds, as receivers parse it.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'",
            CultureInfo.InvariantCulture);
}
