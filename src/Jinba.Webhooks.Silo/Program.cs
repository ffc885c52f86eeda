using Jinba.Webhooks.Hosting;

// A worker silo joins the front silo's cluster through the Azure Table membership and takes
// its share of webhooks and deliveries; it serves no HTTP.
var builder = Host.CreateApplicationBuilder(args);
var settings = builder.LoadWebhooksSettings();
if (settings.Storage.Provider != StorageProvider.AzureTable)
{
    throw new InvalidOperationException(
        "Invalid configuration: 'Storage:Provider' must be AzureTable for a worker silo; "
        + "with in-memory storage there is no cluster to join.");
}

builder.UseOrleans(silo => silo.AddWebhooksSilo(settings));
await builder.Build().RunAsync();
