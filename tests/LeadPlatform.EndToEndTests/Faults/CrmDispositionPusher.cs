using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.EndToEndTests.Faults;

/// <summary>
/// Plays the CRM side of dispositions: for every record of a stream that lands in the Enquire sandbox it pushes two
/// signed events to <c>POST /v1/dispositions/{integrationId}</c>, each with its own event id, a status and an
/// activity. Every other record gets its events out of occurrence order. Like a CRM, it re-sends an event (same
/// event id, freshly signed) until it gets a 2xx.
/// </summary>
public sealed class CrmDispositionPusher(FaultRig rig, string prefix)
{
    /// <summary>One event as the CRM sent it; <see cref="Acknowledged"/> once some attempt got a 2xx.</summary>
    public sealed class PushedEvent
    {
        public required string EventId { get; init; }
        public required string Email { get; init; }
        public required string RecordId { get; init; }
        public required string Status { get; init; }
        public required string Activity { get; init; }
        public required DateTimeOffset OccurredAt { get; init; }
        public bool Acknowledged { get; set; }
        public int Attempts { get; set; }
    }

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);

    private readonly ConcurrentDictionary<string, Task> _records = new();
    private readonly ConcurrentBag<PushedEvent> _events = [];
    private readonly SemaphoreSlim _concurrency = new(6);
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Task _discovery = Task.CompletedTask;
    private int _failedAttempts;
    private int _unanswered;

    public IReadOnlyCollection<PushedEvent> Events => _events;

    /// <summary>Pushes that got no 2xx (refused connections, 5xx, 422 before the delivery reached the service).</summary>
    public int FailedAttempts => _failedAttempts;

    /// <summary>Pushes that got no answer at all (connection refused or dropped): the service was down.</summary>
    public int Unanswered => _unanswered;

    public void Start() => _discovery = DiscoverAsync();

    /// <summary>Picks up the last records, then waits until every event got its 2xx or the CRM gave up on it.</summary>
    public async Task CompleteAsync()
    {
        await _stop.CancelAsync();
        await _discovery;
        await PushNewRecordsAsync();
        await Task.WhenAll(_records.Values);
        _http.Dispose();
    }

    private async Task DiscoverAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await PushNewRecordsAsync();
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // The sandbox is not the fault here; try again.
            }
        }
    }

    private async Task PushNewRecordsAsync()
    {
        foreach (var record in await rig.Sandbox.RecordsAsync("enquire", "individual"))
        {
            var email = SandboxClient.Text(record, "email") ?? "";
            if (email.StartsWith(prefix + "-", StringComparison.Ordinal))
            {
                _ = _records.GetOrAdd(email, _ => Task.Run(() => PushRecordAsync(email, record.Id)));
            }
        }
    }

    private async Task PushRecordAsync(string email, string recordId)
    {
        var n = int.Parse(email[(prefix.Length + 1)..email.IndexOf('@', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var toured = new PushedEvent
        {
            EventId = $"{prefix}-{n}-toured", Email = email, RecordId = recordId, Status = "Tour Scheduled", Activity = "Tour",
            OccurredAt = Epoch.AddMinutes(n).AddSeconds(1),
        };
        var movedIn = new PushedEvent
        {
            EventId = $"{prefix}-{n}-moved-in", Email = email, RecordId = recordId, Status = "Move-In", Activity = "Phone Call",
            OccurredAt = Epoch.AddMinutes(n).AddSeconds(2),
        };
        _events.Add(toured);
        _events.Add(movedIn);
        foreach (var e in n % 2 == 0 ? new[] { toured, movedIn } : [movedIn, toured])
        {
            await PushUntilAcknowledgedAsync(e);
        }
    }

    private async Task PushUntilAcknowledgedAsync(PushedEvent e)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            eventId = e.EventId,
            recordId = e.RecordId,
            status = e.Status,
            // The event id in the activity's details: the timeline check finds each event's activity by it.
            activities = new[] { new { type = e.Activity, details = e.EventId } },
            occurredAt = e.OccurredAt,
        });
        var giveUp = DateTime.UtcNow + GiveUpAfter;
        while (DateTime.UtcNow < giveUp)
        {
            e.Attempts++;
            if (await PushOnceAsync(body))
            {
                e.Acknowledged = true;
                return;
            }
            Interlocked.Increment(ref _failedAttempts);
            await Task.Delay(300);
        }
    }

    private async Task<bool> PushOnceAsync(byte[] body)
    {
        await _concurrency.WaitAsync();
        try
        {
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(rig.Disposition.BaseAddress, $"v1/dispositions/{FaultRig.IntegrationId}"))
            {
                Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
            };
            request.Headers.Add("X-LeadPlatform-Timestamp", timestamp);
            request.Headers.Add("X-LeadPlatform-Signature", Sign(timestamp, body));
            using var response = await _http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            Interlocked.Increment(ref _unanswered);
            return false;
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private sealed record TimelineRow
    {
        public Guid LeadId { get; init; }
        public string Kind { get; init; } = "";
        public string? RawValue { get; init; }
        public string? Details { get; init; }
    }

    private sealed record LeadStatusRow
    {
        public Guid LeadId { get; init; }
        public string? RawStatus { get; init; }
    }

    /// <summary>
    /// Every event was acknowledged in the end and is on its lead's timeline exactly once (its status and its
    /// activity), and each lead's status is the one that occurred last, whatever order the events came in.
    /// </summary>
    public async Task AssertAppliedExactlyOnceAsync(IReadOnlyList<FaultRig.Submission> submissions)
    {
        var unacknowledged = _events.Where(e => !e.Acknowledged).Select(e => e.EventId).ToList();
        Assert.That(unacknowledged, Is.Empty, $"events that never got a 2xx within {GiveUpAfter.TotalSeconds:0}s");
        var leadOf = submissions.Where(s => s.LeadId is not null).ToDictionary(s => s.Email, s => s.LeadId!.Value);
        var ids = _events.Select(e => leadOf[e.Email]).Distinct().ToArray();
        await using var db = rig.Environment.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync();
        var rows = (await Dapper.SqlMapper.QueryAsync<TimelineRow>(connection, """
            select lead_id as LeadId, kind as Kind, raw_value as RawValue, details::text as Details
              from disposition.timeline where lead_id = any(@ids) and kind in ('status', 'activity')
            """, new { ids })).ToLookup(r => r.LeadId);
        var statuses = (await Dapper.SqlMapper.QueryAsync<LeadStatusRow>(connection,
            "select lead_id as LeadId, raw_status as RawStatus from disposition.lead where lead_id = any(@ids)", new { ids }))
            .ToDictionary(r => r.LeadId, r => r.RawStatus);

        var wrong = new List<string>();
        foreach (var e in _events)
        {
            var timeline = rows[leadOf[e.Email]].ToList();
            var statusEntries = timeline.Count(r => r.Kind == "status" && r.RawValue == e.Status);
            var activityEntries = timeline.Count(r => r.Kind == "activity" && (r.Details ?? "").Contains($"\"{e.EventId}\"", StringComparison.Ordinal));
            if (statusEntries != 1 || activityEntries != 1)
            {
                wrong.Add($"{e.EventId}: status x{statusEntries}, activity x{activityEntries}");
            }
        }
        foreach (var lead in _events.GroupBy(e => leadOf[e.Email]))
        {
            var latest = lead.MaxBy(e => e.OccurredAt)!.Status;
            if (statuses.GetValueOrDefault(lead.Key) != latest)
            {
                wrong.Add($"lead {lead.Key}: status {statuses.GetValueOrDefault(lead.Key) ?? "none"}, expected {latest}");
            }
        }
        Assert.That(wrong, Is.Empty, "disposition events not applied exactly once, or a lead's status not the latest by occurrence");
    }

    /// <summary>HMAC-SHA256 over <c>timestamp + "." + body</c>, as the disposition service's webhook contract says.</summary>
    private static string Sign(string timestamp, byte[] body)
    {
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(FaultRig.WebhookSecret), signed));
    }
}
