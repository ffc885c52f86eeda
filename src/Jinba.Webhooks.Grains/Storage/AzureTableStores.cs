using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Jinba.Webhooks.Storage;

/// <summary>
/// Deliveries in an Azure table, partitioned by webhook so one transaction writes many of them.
/// Row keys are delivery ids, which sort newest first.
/// </summary>
public sealed class AzureTableDeliveryStore(TableServiceClient tables) : IDeliveryStore
{
    public const string TableName = "JinbaDeliveries";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly LazyTable _table = new(tables, TableName);

    public async Task SaveAsync(IReadOnlyList<DeliveryRecord> deliveries)
    {
        var entities = deliveries.Select(ToEntity).ToList();
        var table = await _table.GetAsync();
        await TableBatches.UpsertAsync(table, entities);
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetPendingAsync(string webhookId)
    {
        var table = await _table.GetAsync();
        var pending = new List<DeliveryRecord>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {webhookId} and Status eq {nameof(DeliveryStatus.Pending)}");
        await foreach (var entity in table.QueryAsync<TableEntity>(filter))
        {
            pending.Add(FromEntity(entity));
        }

        return pending;
    }

    public async Task<DeliveryRecord?> GetAsync(string webhookId, string deliveryId)
    {
        var table = await _table.GetAsync();
        var found = await table.GetEntityIfExistsAsync<TableEntity>(webhookId, deliveryId);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    public async Task<DeliveryPage> ListAsync(string webhookId, DeliveryStatus? status,
        string? eventType, string? after, int limit)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {webhookId}");
        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status.ToString()}");
        }

        if (eventType is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Event eq {eventType}");
        }

        if (after is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        }

        var table = await _table.GetAsync();
        var found = new List<DeliverySummary>();
        var query = table.QueryAsync<TableEntity>(filter, maxPerPage: limit + 1,
            select: SummaryColumns);
        await foreach (var entity in query)
        {
            found.Add(ToSummary(entity));
            if (found.Count > limit)
            {
                break;
            }
        }

        var page = found.Take(limit).ToList();
        return new DeliveryPage(page, found.Count > limit ? page[^1].Id : null);
    }

    public async Task<IReadOnlyList<DeliveryRecord>> ListFailedAsync(string webhookId,
        DateTimeOffset since, DateTimeOffset until, int max)
    {
        var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {webhookId} and Status eq {nameof(DeliveryStatus.Failed)}")
            + " and "
            + TableClient.CreateQueryFilter($"CreatedAt ge {since} and CreatedAt lt {until}");
        var table = await _table.GetAsync();
        var failed = new List<DeliveryRecord>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter))
        {
            failed.Add(FromEntity(entity));
        }

        // Rows come newest first; recovery takes the oldest first.
        failed.Reverse();
        return failed.Take(max).ToList();
    }

    public async Task<int> TrimAsync(string webhookId, int keep)
    {
        // Pending deliveries are neither counted nor read: a backlog of them must not push the
        // finished ones out of the log, nor make every trim read the whole backlog.
        var table = await _table.GetAsync();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {webhookId} and Status ne {nameof(DeliveryStatus.Pending)}");
        var old = new List<TableEntity>();
        var seen = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(filter,
            select: ["PartitionKey", "RowKey"]))
        {
            if (++seen > keep)
            {
                old.Add(entity);
            }
        }

        await TableBatches.DeleteAsync(table, old);
        return old.Count;
    }

    private static readonly string[] SummaryColumns =
    [
        "RowKey", "EventId", "Event", "Status", "CreatedAt", "NextAttemptAt", "FailureReason",
        "AttemptCount", "LastStatusCode", "LastAttemptAt",
    ];

    private static DeliverySummary ToSummary(TableEntity entity) => new()
    {
        Id = entity.RowKey,
        EventId = entity.GetString("EventId"),
        Event = entity.GetString("Event"),
        Status = DeliveryRecord.StatusName(Enum.Parse<DeliveryStatus>(entity.GetString("Status"))),
        Attempts = entity.GetInt32("AttemptCount") ?? 0,
        CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
        LastAttemptAt = entity.GetDateTimeOffset("LastAttemptAt"),
        NextAttemptAt = entity.GetDateTimeOffset("NextAttemptAt"),
        StatusCode = entity.GetInt32("LastStatusCode"),
        FailureReason = entity.GetString("FailureReason"),
    };

    private static TableEntity ToEntity(DeliveryRecord delivery)
    {
        var entity = new TableEntity(delivery.WebhookId, delivery.Id)
        {
            ["EventId"] = delivery.EventId,
            ["Event"] = delivery.Event,
            ["Status"] = delivery.Status.ToString(),
            ["CreatedAt"] = delivery.CreatedAt,
            ["NextAttemptAt"] = delivery.NextAttemptAt,
            ["FailureReason"] = delivery.FailureReason,
            ["AttemptCount"] = delivery.Attempts.Count,
            ["LastStatusCode"] = delivery.Attempts.LastOrDefault()?.StatusCode,
            ["LastAttemptAt"] = delivery.Attempts.LastOrDefault()?.At,
            ["ScheduleStart"] = delivery.ScheduleStart,
        };
        TableChunks.Write(entity, "Body", delivery.Body);
        TableChunks.Write(entity, "Attempts",
            JsonSerializer.SerializeToUtf8Bytes(delivery.Attempts, Json));
        return entity;
    }

    private static DeliveryRecord FromEntity(TableEntity entity) => new()
    {
        Id = entity.RowKey,
        WebhookId = entity.PartitionKey,
        EventId = entity.GetString("EventId"),
        Event = entity.GetString("Event"),
        Body = TableChunks.Read(entity, "Body"),
        CreatedAt = entity.GetDateTimeOffset("CreatedAt") ?? default,
        Status = Enum.Parse<DeliveryStatus>(entity.GetString("Status")),
        NextAttemptAt = entity.GetDateTimeOffset("NextAttemptAt"),
        FailureReason = entity.GetString("FailureReason"),
        Attempts = JsonSerializer.Deserialize<List<AttemptRecord>>(
            TableChunks.Read(entity, "Attempts"), Json) ?? [],
        ScheduleStart = entity.GetInt32("ScheduleStart") ?? 0,
    };
}

/// <summary>Published event ids per organization, the memory of idempotent publishing.</summary>
public sealed class AzureTablePublishedEventStore(TableServiceClient tables) : IPublishedEventStore
{
    public const string TableName = "JinbaPublishedEvents";

    private readonly LazyTable _table = new(tables, TableName);

    public async Task<IReadOnlyList<PublishedEvent>> FindAsync(string orgId,
        IReadOnlyList<string> eventIds)
    {
        var table = await _table.GetAsync();
        var keys = string.Join(" or ", eventIds.Select(eventId =>
            TableClient.CreateQueryFilter($"RowKey eq {eventId}")));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {orgId}")
            + $" and ({keys})";
        var found = new List<PublishedEvent>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter))
        {
            found.Add(new PublishedEvent(orgId, entity.RowKey, entity.GetInt32("Deliveries") ?? 0,
                entity.GetDateTimeOffset("AcceptedAt") ?? default));
        }

        return found;
    }

    public async Task SaveAsync(IReadOnlyList<PublishedEvent> events)
    {
        var table = await _table.GetAsync();
        var entities = events.Select(published =>
            new TableEntity(published.OrgId, published.EventId)
        {
            ["Deliveries"] = published.Deliveries,
            ["AcceptedAt"] = published.AcceptedAt,
        }).ToList();
        await TableBatches.UpsertAsync(table, entities);
    }
}

/// <summary>A table client whose table is created on first use.</summary>
internal sealed class LazyTable(TableServiceClient tables, string name)
{
    private readonly Lazy<Task<TableClient>> _table = new(async () =>
    {
        var table = tables.GetTableClient(name);
        await table.CreateIfNotExistsAsync();
        return table;
    });

    public Task<TableClient> GetAsync() => _table.Value;
}

/// <summary>
/// Splits upserts into entity-group transactions within Azure Table's limits: one partition,
/// at most 100 operations and 4 MiB per request.
/// </summary>
internal static class TableBatches
{
    private const int MaxOperations = 100;

    // Binary properties travel as base64, so the raw budget is well under the 4 MiB request cap.
    private const int MaxRawBytes = 2_500_000;

    public static async Task UpsertAsync(TableClient table, IReadOnlyList<TableEntity> entities)
    {
        var requests = new List<Task>();
        foreach (var partition in entities.GroupBy(entity => entity.PartitionKey))
        {
            var batch = new List<TableTransactionAction>();
            var bytes = 0;
            foreach (var entity in partition)
            {
                var size = TableChunks.EstimateSize(entity);
                if (batch.Count == MaxOperations || (batch.Count > 0 && bytes + size > MaxRawBytes))
                {
                    requests.Add(SubmitAsync(table, batch));
                    batch = [];
                    bytes = 0;
                }

                batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    entity));
                bytes += size;
            }

            if (batch.Count > 0)
            {
                requests.Add(SubmitAsync(table, batch));
            }
        }

        await Task.WhenAll(requests);
    }

    public static Task DeleteAsync(TableClient table, IReadOnlyList<TableEntity> entities) =>
        Task.WhenAll(entities.Chunk(MaxOperations).Select(chunk => table.SubmitTransactionAsync(
            chunk.Select(entity => new TableTransactionAction(TableTransactionActionType.Delete,
                entity, ETag.All)))));

    private static Task SubmitAsync(TableClient table, List<TableTransactionAction> batch) =>
        batch.Count == 1
            ? table.UpsertEntityAsync((TableEntity)batch[0].Entity, TableUpdateMode.Replace)
            : table.SubmitTransactionAsync(batch);
}

/// <summary>
/// Byte arrays split over numbered binary properties, because one property holds at most 64 KiB.
/// </summary>
internal static class TableChunks
{
    private const int ChunkSize = 64 * 1024;

    public static void Write(TableEntity entity, string name, byte[] bytes)
    {
        entity[name + "Length"] = bytes.Length;
        for (var (offset, index) = (0, 0); offset < bytes.Length; offset += ChunkSize, index++)
        {
            var length = Math.Min(ChunkSize, bytes.Length - offset);
            entity[name + index] = bytes.AsSpan(offset, length).ToArray();
        }
    }

    public static byte[] Read(TableEntity entity, string name)
    {
        var length = entity.GetInt32(name + "Length") ?? 0;
        var bytes = new byte[length];
        for (var (offset, index) = (0, 0); offset < length; offset += ChunkSize, index++)
        {
            var chunk = entity.GetBinary(name + index);
            chunk.CopyTo(bytes, offset);
        }

        return bytes;
    }

    public static int EstimateSize(TableEntity entity) =>
        1024 + ((IDictionary<string, object>)entity).Values.Sum(value => value switch
        {
            byte[] bytes => bytes.Length,
            string text => text.Length * 2,
            _ => 16,
        });
}
