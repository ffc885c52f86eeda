using Azure.Data.Tables;
using Jinba.Webhooks.Events;
using Jinba.Webhooks.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Jinba.Webhooks.Tests;

/// <summary>
/// An in-cluster producer: a process of its own with only Microsoft.Orleans.Client, finding the
/// cluster through the Azure Table membership the silos write.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OrleansClientPublishingTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_producer_client_publishes_a_failed_tool_run_that_arrives_whole()
    {
        await using var receiver = await Receiver.StartAsync();
        using var org = await fixture.NewOrgAsync();
        await org.CreateWebhookAsync(receiver.Url, EventTypes.ToolRunFailed);
        var producer = await StartProducerAsync(fixture.Settings["Storage:ConnectionString"]!,
            fixture.Settings["Orleans:ClusterId"]!, fixture.Settings["Orleans:ServiceId"]!);
        var run = new ToolRunFailed("run_7Q2", "my-toolset", "my-tool", 5321,
            new ToolRunError("TOOL_TIMEOUT", "The tool did not answer within 30 s"));
        var happenedAt = new DateTimeOffset(2024, 3, 1, 8, 30, 15, 250, TimeSpan.Zero);

        PublishResult result;
        try
        {
            var client = producer.Services.GetRequiredService<IClusterClient>();
            var publisher = new WebhookPublisher(client);
            result = await publisher.PublishAsync(org.OrgId, run, "evt_run_7Q2_failed", happenedAt);
        }
        finally
        {
            await producer.StopAsync();
            producer.Dispose();
        }

        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal(new PublishResult("evt_run_7Q2_failed", 1), result);
        Assert.Equal("tool.run.failed", request.Header("X-Webhook-Event"));
        JsonAssert.Equal($$"""
            {
              "id": "evt_run_7Q2_failed",
              "event": "tool.run.failed",
              "orgId": "{{org.OrgId}}",
              "timestamp": "2024-03-01T08:30:15.250Z",
              "data": {
                "runId": "run_7Q2",
                "toolSetSlug": "my-toolset",
                "toolSlug": "my-tool",
                "status": "failed",
                "durationMs": 5321,
                "error": {
                  "code": "TOOL_TIMEOUT",
                  "message": "The tool did not answer within 30 s"
                }
              }
            }
            """, request.Body);
    }

    private static async Task<IHost> StartProducerAsync(string connectionString,
        string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseAzureStorageClustering(options =>
                options.TableServiceClient = new TableServiceClient(connectionString));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
        });

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
