using System.Collections.Concurrent;
using Jinba.Webhooks.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// The real delivery store with a log of every write it completed, so a test can see how
/// deliveries were grouped into writes. The grain keeps changing a record after handing it over,
/// so each write is copied the moment it is asked for.
/// </summary>
public sealed class RecordingDeliveryStore(IDeliveryStore inner) : IDeliveryStore
{
    private readonly ConcurrentQueue<IReadOnlyList<SavedDelivery>> _writes = new();

    /// <summary>Wraps the Azure Table store that AddWebhookGrains registered.</summary>
    public static void Decorate(IServiceCollection services)
    {
        var registered = services.Last(service => service.ServiceType == typeof(IDeliveryStore));
        if (registered.ImplementationInstance is not AzureTableDeliveryStore real)
        {
            throw new InvalidOperationException(
                "Expected AddWebhookGrains to register the Azure Table delivery store.");
        }

        services.Remove(registered);
        services.AddSingleton(new RecordingDeliveryStore(real));
        services.AddSingleton<IDeliveryStore>(provider =>
            provider.GetRequiredService<RecordingDeliveryStore>());
    }

    public async Task SaveAsync(IReadOnlyList<DeliveryRecord> deliveries)
    {
        var copies = deliveries.Select(SavedDelivery.Of).ToList();
        await inner.SaveAsync(deliveries);
        _writes.Enqueue(copies);
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetPendingAsync(string webhookId) =>
        inner.GetPendingAsync(webhookId);

    public Task<DeliveryRecord?> GetAsync(string webhookId, string deliveryId) =>
        inner.GetAsync(webhookId, deliveryId);

    public Task<DeliveryPage> ListAsync(string webhookId, DeliveryStatus? status,
        string? eventType, string? after, int limit) =>
        inner.ListAsync(webhookId, status, eventType, after, limit);

    public Task<IReadOnlyList<DeliveryRecord>> ListFailedAsync(string webhookId,
        DateTimeOffset since, DateTimeOffset until, int max) =>
        inner.ListFailedAsync(webhookId, since, until, max);

    public Task<int> TrimAsync(string webhookId, int keep) => inner.TrimAsync(webhookId, keep);

    /// <summary>The completed writes carrying records of one webhook, with only those.</summary>
    public IReadOnlyList<IReadOnlyList<SavedDelivery>> WritesFor(string webhookId) =>
        _writes
            .Select(write => write.Where(saved => saved.WebhookId == webhookId).ToList())
            .Where(write => write.Count > 0)
            .ToList();
}

/// <summary>A delivery record as it was when a write was asked for.</summary>
public sealed record SavedDelivery(
    string WebhookId, string Id, string EventId, DeliveryStatus Status, int Attempts)
{
    /// <summary>The first write of a delivery: pending, never attempted.</summary>
    public bool IsNew => Status == DeliveryStatus.Pending && Attempts == 0;

    public static SavedDelivery Of(DeliveryRecord record) =>
        new(record.WebhookId, record.Id, record.EventId, record.Status, record.Attempts.Count);
}
