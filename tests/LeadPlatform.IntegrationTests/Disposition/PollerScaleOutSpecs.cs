using System.Collections.Concurrent;
using System.Text.Json;
using LeadPlatform.Disposition;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Disposition;

/// <summary>
/// Two disposition instances on one database share the polling schedule: each integration's feed is read once per
/// interval, not once per instance, and an instance that lost its lease cannot move the cursor backwards.
/// </summary>
[TestFixture]
public class PollerScaleOutSpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Test]
    public async Task Two_instances_poll_an_integration_once_per_interval()
    {
        var polls = new ConcurrentQueue<DateTimeOffset>();
        await using var feed = await InProcessService.StartAsync("counting-feed", new Dictionary<string, string?>(), _ => { },
            app => app.MapGet("/changes", () =>
            {
                polls.Enqueue(DateTimeOffset.UtcNow);
                return Results.Json(new { changes = Array.Empty<object>(), nextCursor = "c1" });
            }));
        await using var platform = await DispositionPlatform.StartAsync("pollerscale");
        await using var second = await platform.StartAnotherDispositionAsync();

        await platform.PutIntegrationAsync(new Integration
        {
            Id = "scale-feed", AccountId = "acme", Crm = "enquire",
            Directions = [IntegrationDirections.Outbound, IntegrationDirections.InboundPoll],
            Settings = JsonSerializer.SerializeToElement(new
            {
                pollIntervalSeconds = (int)Interval.TotalSeconds,
                changesUrl = new Uri(feed.BaseAddress, "changes").ToString(),
            }),
        });
        await Eventually.UntilAsync(() => Task.FromResult(polls.Count), n => n >= 1, TimeSpan.FromSeconds(15), "the first poll");
        var from = polls.Count;
        await Task.Delay(TimeSpan.FromSeconds(12));
        var times = polls.Skip(from - 1).ToList();

        // 12 s at one poll per 2 s is 6 polls; two instances polling on their own would make ~12.
        Assert.That(times.Count - 1, Is.InRange(3, 7), "polls in 12 s (fewer when the machine is slow, never one per instance)");
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.That(gaps.Min(), Is.GreaterThan(Interval - TimeSpan.FromMilliseconds(300)), "no two polls within one interval");
    }

    [Test]
    public async Task An_instance_that_lost_its_lease_cannot_write_its_cursor()
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("pollerfence");
        await using var disposition = await InProcessService.StartAsync("disposition", environment.ServiceConfiguration(),
            b => { b.AddServiceDefaults(); b.AddDisposition(); },
            a => { a.MapDefaultEndpoints(); a.MapDisposition(); });
        var leases = disposition.Services.GetRequiredService<PollLeases>();
        var lease = TimeSpan.FromSeconds(1);

        var stalled = await leases.TryClaimAsync("fence", lease, CancellationToken.None);
        Assert.That(stalled, Is.Not.Null);
        Assert.That(await leases.TryClaimAsync("fence", lease, CancellationToken.None), Is.Null, "held: nobody else may poll");
        await Task.Delay(lease + TimeSpan.FromMilliseconds(300));

        var taker = await leases.TryClaimAsync("fence", lease, CancellationToken.None);
        Assert.That(taker, Is.Not.Null, "an expired lease is taken over");
        Assert.That(await leases.SaveCursorAsync(taker!, "page-2", TimeSpan.FromSeconds(30), CancellationToken.None), Is.True);
        Assert.That(await leases.SaveCursorAsync(stalled!, "page-1", TimeSpan.FromSeconds(30), CancellationToken.None), Is.False,
            "the stalled instance's older cursor is refused");

        await leases.ReleaseAsync(taker!, TimeSpan.FromMinutes(1), null);
        Assert.That(await leases.TryClaimAsync("fence", lease, CancellationToken.None), Is.Null, "not due again before its interval");
    }
}
