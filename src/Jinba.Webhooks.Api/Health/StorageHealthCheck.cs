using Azure.Data.Tables;
using Jinba.Webhooks.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Jinba.Webhooks.Api.Health;

/// <summary>Ready only while Azure Table Storage answers, within two seconds.</summary>
public sealed class StorageHealthCheck(WebhooksSettings settings) : IHealthCheck
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private readonly TableServiceClient? _tables =
        settings.Storage.Provider == StorageProvider.AzureTable
            ? new TableServiceClient(settings.Storage.ConnectionString,
                new TableClientOptions { Retry = { MaxRetries = 0 } })
            : null;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        if (_tables is null)
        {
            return HealthCheckResult.Healthy("In-memory storage.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await foreach (var _ in _tables.QueryAsync(maxPerPage: 1,
                cancellationToken: deadline.Token))
            {
                break;
            }

            return HealthCheckResult.Healthy("Table storage answers.");
        }
        catch (Exception error) when (error is Azure.RequestFailedException
            or OperationCanceledException or HttpRequestException)
        {
            return HealthCheckResult.Unhealthy("Table storage does not answer.");
        }
    }
}
