using System.Text.Json;
using Jinba.Webhooks.Delivery;
using Jinba.Webhooks.Hosting;
using Jinba.Webhooks.Storage;
using Jinba.Webhooks.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Jinba.Webhooks.Grains;

/// <summary>
/// One endpoint. Its configuration is grain state; its deliveries are records in the delivery
/// store. Pending deliveries are held in memory, attempted when due by a grain timer, and a
/// reminder held only while any is pending brings the grain back after a crash or deactivation.
/// The grain is reentrant so a slow endpoint never blocks its other calls: attempts await HTTP
/// outside the turn, and their results are written back in later turns.
/// </summary>
[Reentrant]
public sealed partial class WebhookGrain(
    [PersistentState("webhook", StorageNames.Webhooks)] IPersistentState<WebhookState> state,
    IDeliveryStore store,
    WebhookSender sender,
    WebhooksSettings settings,
    WebhookMetrics metrics,
    TimeProvider time,
    ILogger<WebhookGrain> logger) : Grain, IWebhookGrain, IRemindable
{
    private const string ReminderName = "pending-deliveries";
    private const int MaxAttemptsKept = 25;
    private const int TrimEvery = 100;

    private readonly Dictionary<string, DeliveryRecord> _pending = [];
    private readonly SortedSet<(DateTimeOffset Due, string Id)> _schedule = [];
    private readonly HashSet<string> _inFlight = [];
    private readonly HashSet<Task> _attempts = [];
    private readonly RetrySchedule _retries = new(settings.Delivery);
    private GroupCommit<DeliveryRecord>? _deliveryWriter;
    private StateWriter? _stateWriter;
    private IGrainTimer? _timer;
    private bool _reminderWanted;
    private bool _reminderHeld;
    private Task? _reminderSync;
    private int _queuedSinceTrim;
    private Task _trim = Task.CompletedTask;
    private bool _deactivating;

    private string WebhookId => this.GetPrimaryKeyString();

    private bool Exists => state.State.OrgId is not null;

    private DeliverySettings Delivery => settings.Delivery;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _deliveryWriter = new GroupCommit<DeliveryRecord>(store.SaveAsync);
        _stateWriter = new StateWriter(state.WriteStateAsync);
        if (!Exists)
        {
            return;
        }

        foreach (var delivery in await store.GetPendingAsync(WebhookId))
        {
            AddPending(delivery);
        }

        if (_pending.Count > 0)
        {
            LogResumed(WebhookId, _pending.Count);
            await SyncReminderAsync();
            ArmTimer();
        }
    }

    /// <summary>
    /// Lets attempts under way finish and record their outcome before the grain goes, so a
    /// silo that is stopped hands back only deliveries whose state is in storage. Whatever is
    /// still pending stays guarded by the reminder, which wakes the grain on another silo.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason,
        CancellationToken cancellationToken)
    {
        _deactivating = true;
        _timer?.Dispose();
        _timer = null;
        try
        {
            await Task.WhenAll(_attempts).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogAttemptsAbandoned(WebhookId, _attempts.Count);
        }

        metrics.PendingChanged(-_pending.Count);
    }

    public async Task<Webhook> CreateAsync(string orgId, WebhookDraft draft)
    {
        if (Exists)
        {
            throw new InvalidOperationException($"Webhook {WebhookId} already exists.");
        }

        var now = time.GetUtcNow();
        state.State = new WebhookState
        {
            OrgId = orgId,
            Url = draft.Url,
            Events = [.. draft.Events],
            Description = draft.Description,
            Secret = Secrets.NewWebhookSecret(),
            Enabled = draft.Enabled,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await _stateWriter!.WriteAsync();
        return View(revealSecret: true);
    }

    public Task<Webhook?> GetAsync(string orgId) =>
        Task.FromResult(BelongsTo(orgId) ? View(revealSecret: false) : null);

    public Task<Webhook?> RevealSecretAsync(string orgId) =>
        Task.FromResult(BelongsTo(orgId) ? View(revealSecret: true) : null);

    public async Task<Webhook?> RotateSecretAsync(string orgId)
    {
        if (!BelongsTo(orgId))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var webhook = state.State;
        webhook.PreviousSecret = webhook.Secret;
        webhook.PreviousSecretExpiresAt = now + Delivery.SecretOverlap;
        webhook.Secret = Secrets.NewWebhookSecret();
        webhook.UpdatedAt = now;
        await _stateWriter!.WriteAsync();
        LogSecretRotated(WebhookId, orgId, webhook.PreviousSecretExpiresAt.Value);
        return View(revealSecret: true);
    }

    public async Task<Webhook?> UpdateAsync(string orgId, WebhookPatch patch)
    {
        if (!BelongsTo(orgId))
        {
            return null;
        }

        var webhook = state.State;
        webhook.Url = patch.Url ?? webhook.Url;
        webhook.Events = patch.Events is null ? webhook.Events : [.. patch.Events];
        webhook.Description = patch.Description switch
        {
            null => webhook.Description,
            "" => null,
            var text => text,
        };
        webhook.UpdatedAt = time.GetUtcNow();

        var cancelled = new List<DeliveryRecord>();
        if (patch.Enabled == true && !webhook.Enabled)
        {
            webhook.Enabled = true;
            webhook.DisabledReason = null;
            webhook.ConsecutiveFailures = 0;
            LogEnabled(WebhookId, orgId);
        }
        else if (patch.Enabled == false && webhook.Enabled)
        {
            webhook.Enabled = false;
            cancelled = CancelPending("webhook disabled");
            LogDisabled(WebhookId, orgId, "disabled by its owner");
        }

        await Task.WhenAll(_stateWriter!.WriteAsync(), _deliveryWriter!.SaveAsync(cancelled));
        await SyncReminderAsync();
        return View(revealSecret: false);
    }

    public async Task<bool> DeleteAsync(string orgId)
    {
        if (!BelongsTo(orgId))
        {
            return false;
        }

        var cancelled = CancelPending("webhook deleted");
        await _deliveryWriter!.SaveAsync(cancelled);
        await state.ClearStateAsync();
        state.State = new WebhookState();
        await SyncReminderAsync();
        LogDeleted(WebhookId, orgId, cancelled.Count);
        DeactivateOnIdle();
        return true;
    }

    public async Task<AttemptResult?> SendTestAsync(string orgId, string? eventType)
    {
        if (!BelongsTo(orgId))
        {
            return null;
        }

        var type = eventType ?? EventTypes.Test;
        var now = time.GetUtcNow();
        var eventId = Ids.NewEvent(now);
        var body = Envelope.Build(eventId, type, orgId, now, SampleEvents.For(type), test: true);
        var outcome = await sender.SendAsync(state.State.Url, SigningSecrets(), eventId, type,
            body);
        LogTestSent(WebhookId, orgId, outcome.Success, outcome.StatusCode);
        return new AttemptResult
        {
            Success = outcome.Success,
            StatusCode = outcome.StatusCode,
            DurationMs = outcome.DurationMs,
            Error = outcome.Error,
        };
    }

    public async Task<DeliveryPage?> ListDeliveriesAsync(string orgId, DeliveryQuery query)
    {
        if (!BelongsTo(orgId))
        {
            return null;
        }

        return await store.ListAsync(WebhookId, DeliveryRecord.ParseStatus(query.Status),
            query.Event, query.Cursor, Math.Clamp(query.Limit, 1, DeliveryQuery.MaxLimit));
    }

    public async Task<DeliveryDetail?> GetDeliveryAsync(string orgId, string deliveryId)
    {
        var delivery = await FindAsync(orgId, deliveryId);
        return delivery?.ToDetail();
    }

    public async Task<DeliveryDetail?> RetryDeliveryAsync(string orgId, string deliveryId)
    {
        var delivery = await FindAsync(orgId, deliveryId);
        if (delivery is null)
        {
            return null;
        }

        var outcome = await sender.SendAsync(state.State.Url, SigningSecrets(), delivery.EventId,
            delivery.Event, delivery.Body);
        AddAttempt(delivery, outcome, manual: true);
        LogManualRetry(state.State.OrgId!, WebhookId, delivery.Id,
            delivery.EventId, outcome.Success,
            outcome.StatusCode);

        var cancelled = new List<DeliveryRecord>();
        if (outcome.Success)
        {
            Finish(delivery, DeliveryStatus.Succeeded, null);
            state.State.ConsecutiveFailures = 0;
        }
        else if (outcome.Gone && state.State.Enabled)
        {
            Finish(delivery, DeliveryStatus.Failed, "endpoint answered 410 Gone");
            cancelled = Disable("the endpoint answered 410 Gone");
        }

        await Task.WhenAll(_deliveryWriter!.SaveAsync(delivery),
            _deliveryWriter.SaveAsync(cancelled), _stateWriter!.WriteAsync());
        await SyncReminderAsync();
        return delivery.ToDetail();
    }

    public async Task<RecoverResult> RecoverAsync(string orgId, DateTimeOffset since,
        DateTimeOffset? until)
    {
        if (!BelongsTo(orgId))
        {
            return new RecoverResult(RecoverOutcome.NotFound);
        }

        if (!state.State.Enabled)
        {
            return new RecoverResult(RecoverOutcome.Disabled);
        }

        var now = time.GetUtcNow();
        var failed = await store.ListFailedAsync(WebhookId, since, until ?? now,
            settings.Limits.RecoverLimit);
        // One whose last attempt is still under way is left for a later call: that attempt
        // will record its outcome on the delivery as it was.
        var recovered = failed.Where(delivery => !_pending.ContainsKey(delivery.Id)
            && !_inFlight.Contains(delivery.Id)).ToList();
        foreach (var delivery in recovered)
        {
            delivery.Status = DeliveryStatus.Pending;
            delivery.FailureReason = null;
            delivery.NextAttemptAt = now;
            delivery.ScheduleStart = delivery.Attempts.Count;
        }

        await _deliveryWriter!.SaveAsync(recovered);
        foreach (var delivery in recovered)
        {
            AddPending(delivery);
        }

        ArmTimer();
        await SyncReminderAsync();
        LogRecovered(WebhookId, orgId, recovered.Count, since, until ?? now);
        return new RecoverResult(RecoverOutcome.Done, recovered.Count);
    }

    public async Task<bool> EnqueueAsync(DeliveryRequest request)
    {
        if (!Accepts(request.Event))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var delivery = new DeliveryRecord
        {
            Id = Ids.NewDelivery(now),
            WebhookId = WebhookId,
            EventId = request.EventId,
            Event = request.Event,
            Body = request.Body,
            CreatedAt = now,
            Status = DeliveryStatus.Pending,
            NextAttemptAt = now,
        };
        await _deliveryWriter!.SaveAsync(delivery);

        // The webhook may have been disabled or deleted while the record was being written.
        if (!Accepts(request.Event))
        {
            Finish(delivery, DeliveryStatus.Failed, "webhook disabled");
            await _deliveryWriter.SaveAsync(delivery);
            return false;
        }

        AddPending(delivery);
        ArmTimer();
        await SyncReminderAsync();
        // One trim at a time: during a burst, a trim still under way covers the newer records.
        if (++_queuedSinceTrim >= TrimEvery && _trim.IsCompleted)
        {
            _queuedSinceTrim = 0;
            _trim = TrimLogAsync();
        }

        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }

        // Activation already loaded whatever is pending; a tick only re-arms, or lets go of a
        // reminder that outlived its deliveries.
        _reminderHeld = true;
        ArmTimer();
        await SyncReminderAsync();
    }

    private async Task<DeliveryRecord?> FindAsync(string orgId, string deliveryId)
    {
        if (!BelongsTo(orgId))
        {
            return null;
        }

        return _pending.GetValueOrDefault(deliveryId)
            ?? await store.GetAsync(WebhookId, deliveryId);
    }

    /// <summary>
    /// Keeps the log to its configured size; pending deliveries are never trimmed.
    /// </summary>
    private async Task TrimLogAsync()
    {
        try
        {
            var removed = await store.TrimAsync(WebhookId, settings.Limits.DeliveryLogSize);
            if (removed > 0)
            {
                LogTrimmed(WebhookId, removed);
            }
        }
        catch (Exception error)
        {
            LogTrimFailed(error, WebhookId);
        }
    }

    private void AddAttempt(DeliveryRecord delivery, AttemptOutcome outcome, bool manual)
    {
        var now = time.GetUtcNow();
        metrics.Attempted(outcome.StatusCode, outcome.DurationMs);
        delivery.Attempts.Add(new AttemptRecord
        {
            At = now - TimeSpan.FromMilliseconds(outcome.DurationMs),
            DurationMs = outcome.DurationMs,
            StatusCode = outcome.StatusCode,
            Error = outcome.Error,
            ErrorKind = outcome.ErrorKind,
            ResponseBody = outcome.ResponseBody,
            Manual = manual,
        });
        if (delivery.Attempts.Count > MaxAttemptsKept)
        {
            delivery.Attempts.RemoveAt(0);
            delivery.ScheduleStart = Math.Max(0, delivery.ScheduleStart - 1);
        }

        var webhook = state.State;
        var hour = now.ToUnixTimeSeconds() / 3600;
        webhook.Hours.RemoveAll(bucket => bucket.Hour <= hour - 24);
        var current = webhook.Hours.Find(bucket => bucket.Hour == hour);
        if (current is null)
        {
            current = new HourlyOutcomes { Hour = hour };
            webhook.Hours.Add(current);
        }

        if (outcome.Success)
        {
            current.Successes++;
            webhook.LastSuccessAt = now;
        }
        else
        {
            current.Failures++;
            webhook.LastFailureAt = now;
        }
    }

    private WebhookStats Stats()
    {
        var webhook = state.State;
        var hour = time.GetUtcNow().ToUnixTimeSeconds() / 3600;
        var recent = webhook.Hours.Where(bucket => bucket.Hour > hour - 24).ToList();
        return new WebhookStats
        {
            Successes24h = recent.Sum(bucket => bucket.Successes),
            Failures24h = recent.Sum(bucket => bucket.Failures),
            LastSuccessAt = webhook.LastSuccessAt,
            LastFailureAt = webhook.LastFailureAt,
            ConsecutiveFailures = webhook.ConsecutiveFailures,
            Pending = _pending.Count,
        };
    }

    private bool BelongsTo(string orgId) => Exists && state.State.OrgId == orgId;

    private bool Accepts(string eventType) =>
        Exists && state.State.Enabled && state.State.Events.Contains(eventType);

    private IReadOnlyList<string> SigningSecrets()
    {
        var webhook = state.State;
        return webhook.PreviousSecret is not null
            && webhook.PreviousSecretExpiresAt > time.GetUtcNow()
            ? [webhook.Secret, webhook.PreviousSecret]
            : [webhook.Secret];
    }

    private void Track(Task attempt)
    {
        _attempts.Add(attempt);
        _ = attempt.ContinueWith(done => _attempts.Remove(done), TaskScheduler.Current);
    }

    private void AddPending(DeliveryRecord delivery)
    {
        _pending[delivery.Id] = delivery;
        metrics.PendingChanged(1);
        Schedule(delivery);
    }

    private void Schedule(DeliveryRecord delivery) => _schedule.Add((Due(delivery), delivery.Id));

    private static DateTimeOffset Due(DeliveryRecord delivery) =>
        delivery.NextAttemptAt ?? delivery.CreatedAt;

    /// <summary>Points the timer at the earliest due delivery, or stops it.</summary>
    private void ArmTimer()
    {
        if (_deactivating)
        {
            return;
        }

        _timer ??= this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(
            Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });

        if (_schedule.Count == 0 || _inFlight.Count >= Delivery.MaxConcurrentAttempts)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = _schedule.Min.Due - time.GetUtcNow();
        _timer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private Task OnTimerAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        while (_schedule.Count > 0 && _schedule.Min.Due <= now
            && _inFlight.Count < Delivery.MaxConcurrentAttempts)
        {
            var (due, id) = _schedule.Min;
            _schedule.Remove(_schedule.Min);

            // An entry left over from an earlier due time of the delivery starts nothing, so a
            // delivery rescheduled after a failed write is not attempted twice.
            if (_pending.TryGetValue(id, out var delivery) && Due(delivery) == due
                && _inFlight.Add(id))
            {
                Track(AttemptAsync(delivery));
            }
        }

        ArmTimer();
        return Task.CompletedTask;
    }

    private async Task AttemptAsync(DeliveryRecord delivery)
    {
        try
        {
            var outcome = await sender.SendAsync(state.State.Url, SigningSecrets(),
                delivery.EventId, delivery.Event, delivery.Body);

            // No longer in flight once the answer is in: the outcome is applied in memory before
            // the first await below, so a recovery or retry meanwhile sees the current state, and
            // the next attempt starts at once instead of waiting for this record's write.
            _inFlight.Remove(delivery.Id);
            var recording = RecordAsync(delivery, outcome);
            ArmTimer();
            await recording;
        }
        catch (Exception error)
        {
            // Storage refused the result, so storage still says pending: keep it pending here
            // too and try again later, rather than let go of the reminder that guards it.
            LogAttemptNotRecorded(error, WebhookId, delivery.Id);
            if (Exists && state.State.Enabled)
            {
                delivery.Status = DeliveryStatus.Pending;
                delivery.FailureReason = null;
                delivery.NextAttemptAt = time.GetUtcNow() + Delivery.ReminderPeriod;
                if (!_pending.ContainsKey(delivery.Id))
                {
                    AddPending(delivery);
                }
                else
                {
                    Schedule(delivery);
                }
            }
        }
        finally
        {
            _inFlight.Remove(delivery.Id);
            ArmTimer();
        }
    }

    private async Task RecordAsync(DeliveryRecord delivery, AttemptOutcome outcome)
    {
        var now = time.GetUtcNow();
        AddAttempt(delivery, outcome, manual: false);

        if (!_pending.ContainsKey(delivery.Id))
        {
            // Cancelled while the attempt was under way; keep the attempt in its log.
            await _deliveryWriter!.SaveAsync(delivery);
            return;
        }

        var cancelled = new List<DeliveryRecord>();
        if (outcome.Success)
        {
            Finish(delivery, DeliveryStatus.Succeeded, null);
            state.State.ConsecutiveFailures = 0;
            metrics.Succeeded();
            LogDelivered(state.State.OrgId!, WebhookId, delivery.Id,
                delivery.EventId, outcome.StatusCode,
                delivery.Attempts.Count);
        }
        else if (outcome.Gone)
        {
            Finish(delivery, DeliveryStatus.Failed, "endpoint answered 410 Gone");
            metrics.Failed();
            cancelled = Disable("the endpoint answered 410 Gone");
        }
        else if (_retries.NextDelay(delivery.ScheduledAttempts, outcome.RetryAfter) is { } delay)
        {
            delivery.NextAttemptAt = now + delay;
            Schedule(delivery);
            metrics.RetryScheduled();
            LogRetryScheduled(state.State.OrgId!, WebhookId, delivery.Id,
                delivery.EventId, outcome.StatusCode,
                outcome.ErrorKind, delay);
        }
        else
        {
            Finish(delivery, DeliveryStatus.Failed, "retries exhausted");
            state.State.ConsecutiveFailures++;
            metrics.Failed();
            LogFailed(state.State.OrgId!, WebhookId, delivery.Id,
                delivery.EventId, delivery.Attempts.Count,
                state.State.ConsecutiveFailures);
            var limit = Delivery.AutoDisableAfter;
            if (limit > 0 && state.State.ConsecutiveFailures >= limit)
            {
                cancelled = Disable(
                    $"{state.State.ConsecutiveFailures} deliveries in a row failed");
            }
        }

        // The state write carries the endpoint's statistics too; concurrent attempts share it.
        var recorded = Task.WhenAll(_deliveryWriter!.SaveAsync(delivery),
            _deliveryWriter.SaveAsync(cancelled));
        var statistics = _stateWriter!.WriteAsync();
        try
        {
            await Task.WhenAll(recorded, statistics);
            if (_pending.Count == 0)
            {
                await SyncReminderAsync();
            }
        }
        catch (Exception error) when (recorded.IsCompletedSuccessfully)
        {
            // The outcome is stored, so it must not be queued again. The next state write
            // carries the statistics, and a reminder left behind is dropped at its next tick.
            LogFollowUpFailed(error, WebhookId, delivery.Id);
        }
    }

    /// <summary>Turns the webhook off by itself, saying why, and fails what was pending.</summary>
    private List<DeliveryRecord> Disable(string reason)
    {
        state.State.Enabled = false;
        state.State.DisabledReason = reason;
        state.State.UpdatedAt = time.GetUtcNow();
        metrics.AutoDisabled();
        LogDisabled(WebhookId, state.State.OrgId!, reason);
        return CancelPending("webhook disabled");
    }

    private List<DeliveryRecord> CancelPending(string reason)
    {
        var cancelled = _pending.Values.ToList();
        foreach (var delivery in cancelled)
        {
            Finish(delivery, DeliveryStatus.Failed, reason);
        }

        _schedule.Clear();
        return cancelled;
    }

    private void Finish(DeliveryRecord delivery, DeliveryStatus status, string? reason)
    {
        delivery.Status = status;
        delivery.FailureReason = reason;
        delivery.NextAttemptAt = null;
        if (_pending.Remove(delivery.Id))
        {
            metrics.PendingChanged(-1);
        }
    }

    /// <summary>
    /// Brings the reminder in line with whether anything is pending: registered before a new
    /// delivery is acknowledged, dropped once nothing is left. Calls made meanwhile share the
    /// work and see its final result.
    /// </summary>
    private Task SyncReminderAsync()
    {
        _reminderWanted = _pending.Count > 0;
        if (_reminderWanted == _reminderHeld && _reminderSync is null)
        {
            return Task.CompletedTask;
        }

        return _reminderSync ??= ReconcileReminderAsync();
    }

    private async Task ReconcileReminderAsync()
    {
        try
        {
            while (_reminderWanted != _reminderHeld)
            {
                if (_reminderWanted)
                {
                    await this.RegisterOrUpdateReminder(ReminderName, Delivery.ReminderPeriod,
                        Delivery.ReminderPeriod);
                    _reminderHeld = true;
                }
                else
                {
                    var reminder = await this.GetReminder(ReminderName);
                    if (reminder is not null)
                    {
                        await this.UnregisterReminder(reminder);
                    }

                    _reminderHeld = false;
                }
            }
        }
        finally
        {
            _reminderSync = null;
        }
    }

    private Webhook View(bool revealSecret)
    {
        var webhook = state.State;
        return new Webhook
        {
            Id = WebhookId,
            OrgId = webhook.OrgId!,
            Url = webhook.Url,
            Events = webhook.Events,
            Description = webhook.Description,
            Secret = revealSecret ? webhook.Secret : Secrets.Mask(webhook.Secret),
            Enabled = webhook.Enabled,
            DisabledReason = webhook.DisabledReason,
            CreatedAt = webhook.CreatedAt,
            UpdatedAt = webhook.UpdatedAt,
            Stats = Stats(),
        };
    }
}
