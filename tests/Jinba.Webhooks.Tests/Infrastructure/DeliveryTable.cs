using System.Text.Json;
using Azure.Data.Tables;
using Jinba.Webhooks.Storage;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>What storage holds about one delivery, read straight from the table.</summary>
public sealed record StoredDelivery(string Id, string EventId, string Status, int Attempts,
    string? FailureReason)
{
    /// <summary>The status code of each attempt kept, oldest first; null where none came.</summary>
    public IReadOnlyList<int?> StatusCodes { get; init; } = [];
}

public static class DeliveryTable
{
    public static async Task<IReadOnlyList<StoredDelivery>> ReadAsync(string webhookId)
    {
        var tables = new TableServiceClient(await SharedAzurite.ConnectionStringAsync());
        var table = tables.GetTableClient(AzureTableDeliveryStore.TableName);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {webhookId}");
        var deliveries = new List<StoredDelivery>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter))
        {
            deliveries.Add(new StoredDelivery(entity.RowKey, entity.GetString("EventId"),
                entity.GetString("Status"), entity.GetInt32("AttemptCount") ?? 0,
                entity.GetString("FailureReason"))
            {
                StatusCodes = StatusCodes(entity),
            });
        }

        return deliveries;
    }

    /// <summary>The attempts, stored as JSON split over binary properties of 64 KiB.</summary>
    private static List<int?> StatusCodes(TableEntity entity)
    {
        var json = new List<byte>();
        for (var i = 0; entity.GetBinary($"Attempts{i}") is { } chunk; i++)
        {
            json.AddRange(chunk);
        }

        using var attempts = JsonDocument.Parse(json.ToArray());
        return attempts.RootElement.EnumerateArray()
            .Select(attempt => attempt.TryGetProperty("statusCode", out var code)
                && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : (int?)null)
            .ToList();
    }

    /// <summary>Waits until the webhook's only delivery is no longer pending.</summary>
    public static async Task<StoredDelivery> FinishedAsync(string webhookId,
        TimeSpan? timeout = null)
    {
        var deliveries = await Eventually.MatchAsync(() => ReadAsync(webhookId),
            found => found.Count == 1 && found[0].Status != "Pending", timeout,
            $"the delivery of {webhookId} to finish");
        return deliveries[0];
    }
}
