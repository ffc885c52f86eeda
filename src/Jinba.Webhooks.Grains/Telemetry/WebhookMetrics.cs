using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Jinba.Webhooks.Telemetry;

/// <summary>
/// The service's instruments, under the meter and activity source named
/// <see cref="Name"/>. Exported as Prometheus metrics by the front silo.
/// </summary>
public sealed class WebhookMetrics
{
    public const string Name = "Jinba.Webhooks";

    public static readonly ActivitySource Activities = new(Name);

    private readonly Counter<long> _published;
    private readonly Counter<long> _attempted;
    private readonly Counter<long> _succeeded;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _attemptDuration;
    private readonly Counter<long> _retriesScheduled;
    private readonly Counter<long> _autoDisabled;
    private readonly UpDownCounter<long> _pending;

    public WebhookMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Name);
        _published = meter.CreateCounter<long>("jinba.webhooks.events.published", "{event}",
            "Events accepted from producers (repeated ids not counted).");
        _attempted = meter.CreateCounter<long>("jinba.webhooks.deliveries.attempted",
            "{attempt}", "HTTP attempts, by status class of the answer.");
        _succeeded = meter.CreateCounter<long>("jinba.webhooks.deliveries.succeeded",
            "{delivery}", "Deliveries that reached their endpoint.");
        _failed = meter.CreateCounter<long>("jinba.webhooks.deliveries.failed", "{delivery}",
            "Deliveries that failed for good.");
        _attemptDuration = meter.CreateHistogram("jinba.webhooks.attempt.duration", "s",
            "Duration of one HTTP attempt.", tags: null, advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries =
                    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            });
        _retriesScheduled = meter.CreateCounter<long>("jinba.webhooks.retries.scheduled",
            "{retry}", "Retries put on the schedule after a failed attempt.");
        _autoDisabled = meter.CreateCounter<long>("jinba.webhooks.webhooks.auto_disabled",
            "{webhook}", "Webhooks the service disabled by itself.");
        _pending = meter.CreateUpDownCounter<long>("jinba.webhooks.deliveries.pending",
            "{delivery}", "Deliveries waiting for an attempt in this silo.");
    }

    public void Published(string eventType) =>
        _published.Add(1, new KeyValuePair<string, object?>("event", eventType));

    public void Attempted(int? statusCode, long durationMs)
    {
        var statusClass = new KeyValuePair<string, object?>("status_class",
            statusCode is { } code ? $"{code / 100}xx" : "none");
        _attempted.Add(1, statusClass);
        _attemptDuration.Record(durationMs / 1000.0, statusClass);
    }

    public void Succeeded() => _succeeded.Add(1);

    public void Failed() => _failed.Add(1);

    public void RetryScheduled() => _retriesScheduled.Add(1);

    public void AutoDisabled() => _autoDisabled.Add(1);

    public void PendingChanged(int delta)
    {
        if (delta != 0)
        {
            _pending.Add(delta);
        }
    }
}
