using System.Net;
using System.Text.Json;

namespace Jinba.Webhooks.Tests.Infrastructure;

/// <summary>
/// Publishes as a careful producer does while silos come and go: until the service
/// acknowledges with 202, it tries again with the same event id, which makes the repeat
/// harmless. Counts how many tries each event took.
/// </summary>
public sealed class StubbornProducer(DeliveryLedger ledger)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);
    private int _retried;

    /// <summary>Publishes that needed more than one try.</summary>
    public int Retried => _retried;

    /// <summary>
    /// Publishes a run-completed event to the organization, and books it for each of its
    /// webhooks once acknowledged. Returns the number of tries.
    /// </summary>
    public async Task<int> PublishAsync(PlacedOrg org, string eventId, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        for (var tries = 1; ; tries++)
        {
            string problem;
            try
            {
                var body = new
                {
                    @event = "tool.run.completed",
                    data = Samples.RunCompleted(),
                    id = eventId,
                };
                var response = await org.Client.PostAsync("events", body);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var deliveries = (await Json.ReadAsync(response)).GetProperty("deliveries");
                    Assert.Equal(org.Webhooks.Count, deliveries.GetInt32());
                    foreach (var path in org.Paths)
                    {
                        ledger.Published(path, eventId);
                    }

                    if (tries > 1)
                    {
                        Interlocked.Increment(ref _retried);
                    }

                    return tries;
                }

                var text = await response.Content.ReadAsStringAsync();
                problem = $"{(int)response.StatusCode} {text}";
            }
            catch (Exception error) when (error is HttpRequestException or JsonException)
            {
                problem = error.Message;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Publishing {eventId} was never acknowledged; "
                    + $"last answer: {problem}");
            }

            // A pause between tries, as any producer would make.
            await Task.Delay(Pause);
        }
    }
}
