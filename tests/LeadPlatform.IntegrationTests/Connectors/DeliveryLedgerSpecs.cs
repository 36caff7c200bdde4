using Dapper;
using LeadPlatform.Connectors;
using LeadPlatform.Contracts;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// The ledger's claims on the real database: one holder at a time, a dead holder's delivery taken over (and marked
/// as possibly created), a holder that lost its lease unable to record an outcome. Uses a CRM no worker runs.
/// </summary>
[TestFixture]
public class DeliveryLedgerSpecs
{
    private const string Crm = "ledger-test";
    private ConnectorPlatform _platform = null!;
    private Npgsql.NpgsqlDataSource _dataSource = null!;
    private DeliveryLedger _ledger = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _platform = await ConnectorPlatform.StartAsync("enquire");
        _dataSource = _platform.Environment.CreateDataSource();
        _ledger = new DeliveryLedger(_dataSource);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _dataSource.DisposeAsync();
        await _platform.DisposeAsync();
    }

    private async Task<LeadConverted> RecordAsync()
    {
        var message = new LeadConverted
        {
            LeadId = Guid.NewGuid(),
            AcceptedAt = DateTimeOffset.UtcNow,
            Lead = new Lead { Source = "roobrik", AccountId = "a" },
            Deliveries = [new PlannedDelivery { IntegrationId = "i-1", Crm = Crm }],
        };
        await _ledger.EnsureAsync(message, message.Deliveries[0], null, CancellationToken.None);
        await _ledger.EnsureAsync(message, message.Deliveries[0], null, CancellationToken.None); // a duplicate: no-op
        return message;
    }

    [Test]
    public async Task A_delivery_has_one_holder_at_a_time()
    {
        var message = await RecordAsync();

        var first = await _ledger.TryClaimAsync(message.LeadId, "i-1", TimeSpan.FromMinutes(1), CancellationToken.None);
        var second = await _ledger.TryClaimAsync(message.LeadId, "i-1", TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.Null);
        Assert.That(await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_dead_holders_delivery_is_taken_over_marked_as_possibly_created_and_the_old_holder_cannot_finish_it()
    {
        var message = await RecordAsync();
        var dead = (await _ledger.TryClaimAsync(message.LeadId, "i-1", TimeSpan.FromMilliseconds(200), CancellationToken.None))!;
        await Task.Delay(400);

        var takenOver = await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        var taker = takenOver.Single(e => e.LeadId == message.LeadId);
        Assert.That(taker.MayExist, Is.True);
        var result = new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["x"] = "1" });
        Assert.That(await _ledger.MarkDeliveredAsync(dead, 1, result, CancellationToken.None), Is.False, "the lease was lost");
        Assert.That(await _ledger.RenewLeaseAsync(dead, TimeSpan.FromMinutes(1), CancellationToken.None), Is.False);
        Assert.That(await _ledger.MarkDeliveredAsync(taker, 1, result, CancellationToken.None), Is.True);
        Assert.That((await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!.State, Is.EqualTo(LedgerStates.Delivered));
    }

    [Test]
    public async Task A_delivery_recorded_but_never_claimed_is_picked_up_by_the_scheduled_retries()
    {
        var message = await RecordAsync();
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("update delivery.ledger set updated_at = now() - interval '5 minutes' where lead_id = @LeadId", new { message.LeadId });
        }

        var due = await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.That(due.Select(e => e.LeadId), Does.Contain(message.LeadId));
    }

    [Test]
    public async Task A_scheduled_retry_is_not_due_before_its_time()
    {
        var message = await RecordAsync();
        var entry = (await _ledger.TryClaimAsync(message.LeadId, "i-1", TimeSpan.FromMinutes(1), CancellationToken.None))!;

        Assert.That(await _ledger.ScheduleRetryAsync(entry, 3, "down", DateTimeOffset.UtcNow.AddMinutes(5), true, CancellationToken.None), Is.True);

        Assert.That((await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Select(e => e.LeadId),
            Does.Not.Contain(message.LeadId));
        var row = (await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!;
        Assert.That(row.State, Is.EqualTo(LedgerStates.RetryScheduled));
        Assert.That(row.Attempts, Is.EqualTo(3));
        Assert.That(row.MayExist, Is.True);
    }
}
