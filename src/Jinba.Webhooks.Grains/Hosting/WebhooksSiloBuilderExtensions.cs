using Azure.Data.Tables;
using Jinba.Webhooks.Delivery;
using Jinba.Webhooks.Storage;
using Jinba.Webhooks.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Jinba.Webhooks.Hosting;

public static class WebhooksSiloBuilderExtensions
{
    /// <summary>Orleans' cluster membership options, such as ProbeTimeout.</summary>
    private const string MembershipSection = "Orleans:Membership";

    /// <summary>
    /// Everything a silo needs to host the webhook grains: grain storage, reminders, the
    /// delivery and idempotency stores, and the delivery HTTP client.
    /// </summary>
    public static ISiloBuilder AddWebhookGrains(this ISiloBuilder silo, WebhooksSettings settings)
    {
        var services = silo.Services;
        services.AddSingleton(settings);
        services.AddSingleton(settings.Delivery);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton(new AddressPolicy(settings.Delivery.AllowPrivateNetworks));
        services.AddSingleton<GuardedConnector>();
        services.AddSingleton<WebhookSender>();
        services.AddMetrics();
        services.TryAddSingleton<WebhookMetrics>();
        services.AddHttpClient(WebhookSender.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = settings.Delivery.AttemptTimeout,
                ConnectCallback = provider.GetRequiredService<GuardedConnector>().ConnectAsync,
            })
            // Customer URLs can carry tokens in their query strings: keep them out of logs.
            .RemoveAllLoggers();

        // Trace context follows grain calls, so publish, fan-out and enqueue form one trace.
        silo.AddActivityPropagation();

        // The reminder is only a backstop; a shorter period is allowed so tests run in seconds.
        silo.Configure<ReminderOptions>(options =>
        {
            if (settings.Delivery.ReminderPeriod < options.MinimumReminderPeriod)
            {
                options.MinimumReminderPeriod = settings.Delivery.ReminderPeriod;
            }
        });

        if (settings.Storage.Provider == StorageProvider.AzureTable)
        {
            var tables = new TableServiceClient(settings.Storage.ConnectionString);
            silo.AddAzureTableGrainStorage(StorageNames.Webhooks, options =>
            {
                options.TableServiceClient = tables;
                options.GrainStorageSerializer = new JsonGrainStateSerializer();

                // Orleans' table storage logs string properties whole (at trace level, and with
                // write errors as warnings); in binary properties the state, webhook secrets
                // included, never shows in a log. Entities written as strings still read.
                options.UseStringFormat = false;
                options.DeleteStateOnClear = true;
            });
            silo.UseAzureTableReminderService(options => options.TableServiceClient = tables);
            services.AddSingleton<IDeliveryStore>(new AzureTableDeliveryStore(tables));
            services.AddSingleton<IPublishedEventStore>(new AzureTablePublishedEventStore(tables));
        }
        else
        {
            silo.AddMemoryGrainStorage(StorageNames.Webhooks);
            silo.UseInMemoryReminderService();
            services.AddSingleton<IDeliveryStore, InMemoryDeliveryStore>();
            services.AddSingleton<IPublishedEventStore, InMemoryPublishedEventStore>();
        }

        return silo;
    }

    /// <summary>
    /// Joins the silo to its cluster: Azure Table membership when storage is Azure Table, so
    /// more silos can join; otherwise a single silo on loopback.
    /// </summary>
    public static ISiloBuilder UseWebhookClustering(this ISiloBuilder silo,
        WebhooksSettings settings)
    {
        var cluster = settings.Cluster;
        if (settings.Storage.Provider == StorageProvider.AzureTable)
        {
            var tables = new TableServiceClient(settings.Storage.ConnectionString);
            silo.UseAzureStorageClustering(options => options.TableServiceClient = tables);
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(cluster.AdvertisedIPAddress, cluster.SiloPort,
                cluster.GatewayPort, listenOnAnyHostAddress: false);

            // How soon a crashed silo is declared dead decides how soon its webhooks and
            // reminders move to the others, so operators tune it per deployment.
            silo.Services.AddOptions<ClusterMembershipOptions>()
                .Bind(silo.Configuration.GetSection(MembershipSection));
            return silo;
        }

        return silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null,
            cluster.ServiceId, cluster.ClusterId);
    }

    /// <summary>The whole silo of the service, as the front and worker hosts run it.</summary>
    public static ISiloBuilder AddWebhooksSilo(this ISiloBuilder silo, WebhooksSettings settings) =>
        silo.UseWebhookClustering(settings).AddWebhookGrains(settings);

    public static WebhooksSettings LoadWebhooksSettings(this IHostApplicationBuilder builder) =>
        WebhooksSettings.Load(builder.Configuration, builder.Environment);
}
