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

    private static LeadConverted Converted() => new()
    {
        LeadId = Guid.NewGuid(),
        AcceptedAt = DateTimeOffset.UtcNow,
        Lead = new Lead { Source = "roobrik", AccountId = "a" },
        Deliveries = [new PlannedDelivery { IntegrationId = "i-1", Crm = Crm }],
    };

    private Task<LedgerEntry?> ClaimAsync(LeadConverted message, TimeSpan lease) =>
        _ledger.EnsureClaimedAsync(message, message.Deliveries[0], null, lease, CancellationToken.None);

    [Test]
    public async Task A_delivery_has_one_holder_at_a_time()
    {
        var message = Converted();

        var first = await ClaimAsync(message, TimeSpan.FromMinutes(1));
        var second = await ClaimAsync(message, TimeSpan.FromMinutes(1)); // the same message delivered twice

        Assert.That(first, Is.Not.Null);
        Assert.That(first!.MayExist, Is.False);
        Assert.That(second, Is.Null);
        Assert.That(await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_dead_holders_delivery_is_taken_over_marked_as_possibly_created_and_the_old_holder_cannot_finish_it()
    {
        var message = Converted();
        var dead = (await ClaimAsync(message, TimeSpan.FromMilliseconds(200)))!;
        await Task.Delay(400);

        var takenOver = await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        var taker = takenOver.Single(e => e.LeadId == message.LeadId);
        Assert.That(taker.MayExist, Is.True);
        var result = new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["x"] = "1" });
        Assert.That(await _ledger.MarkDeliveredAsync(dead, 1, result, CancellationToken.None), Is.False, "the lease was lost");
        Assert.That(await _ledger.RenewLeaseAsync(dead, TimeSpan.FromMinutes(1), CancellationToken.None), Is.False);
        Assert.That(await _ledger.MarkDeliveredAsync(taker, 1, result, CancellationToken.None), Is.True);
        Assert.That((await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!.State, Is.EqualTo(LedgerStates.Delivered));
        Assert.That(await ClaimAsync(message, TimeSpan.FromMinutes(1)), Is.Null, "a redelivered message after delivery");
    }

    [Test]
    public async Task A_redelivered_message_takes_over_from_a_dead_holder_and_marks_the_record_as_possibly_created()
    {
        var message = Converted();
        var dead = (await ClaimAsync(message, TimeSpan.FromMilliseconds(200)))!;
        await Task.Delay(400);

        var redelivered = await ClaimAsync(message, TimeSpan.FromMinutes(1));

        Assert.That(redelivered, Is.Not.Null);
        Assert.That(redelivered!.MayExist, Is.True);
        Assert.That(redelivered.LeaseToken, Is.Not.EqualTo(dead.LeaseToken));
    }

    [Test]
    public async Task A_delivery_recorded_but_never_claimed_is_picked_up_by_the_scheduled_retries()
    {
        var message = Converted();
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            // As recorded by an earlier version, or by hand: pending and not touched for a while.
            await connection.ExecuteAsync("""
                insert into delivery.ledger (lead_id, integration_id, crm, state, message, updated_at)
                values (@LeadId, 'i-1', @Crm, 'pending', '{}', now() - interval '5 minutes')
                """, new { message.LeadId, Crm });
        }

        var due = await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.That(due.Select(e => e.LeadId), Does.Contain(message.LeadId));
    }

    [Test]
    public async Task A_scheduled_retry_is_not_due_before_its_time()
    {
        var message = Converted();
        var entry = (await ClaimAsync(message, TimeSpan.FromMinutes(1)))!;

        Assert.That(await _ledger.ScheduleRetryAsync(entry, 3, "down", DateTimeOffset.UtcNow.AddMinutes(5), true, CancellationToken.None), Is.True);

        Assert.That((await _ledger.ClaimDueAsync(Crm, 10, TimeSpan.FromMinutes(1), CancellationToken.None)).Select(e => e.LeadId),
            Does.Not.Contain(message.LeadId));
        Assert.That(await ClaimAsync(message, TimeSpan.FromMinutes(1)), Is.Null, "a redelivered message while a retry is scheduled");
        var row = (await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!;
        Assert.That(row.State, Is.EqualTo(LedgerStates.RetryScheduled));
        Assert.That(row.Attempts, Is.EqualTo(3));
        Assert.That(row.MayExist, Is.True);
    }

    [Test]
    public async Task Deliveries_finishing_together_are_recorded_together_and_each_gets_its_own_answer()
    {
        var held = new List<LedgerEntry>();
        var lost = new List<LedgerEntry>();
        for (var i = 0; i < 40; i++)
        {
            var entry = (await ClaimAsync(Converted(), TimeSpan.FromMinutes(1)))!;
            // Every fourth one was taken over by another worker: its token no longer holds the row.
            (i % 4 == 0 ? lost : held).Add(i % 4 == 0 ? entry with { LeaseToken = Guid.NewGuid() } : entry);
        }
        var result = new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["prospect"] = "P-1" });

        var answers = await Task.WhenAll(held.Concat(lost).Select(e => _ledger.MarkDeliveredAsync(e, 1, result, CancellationToken.None)));

        Assert.That(answers.Take(held.Count), Is.All.True);
        Assert.That(answers.Skip(held.Count), Is.All.False);
        foreach (var entry in held)
        {
            var row = (await _ledger.FindAsync(entry.LeadId, "i-1", CancellationToken.None))!;
            Assert.That(row.State, Is.EqualTo(LedgerStates.Delivered));
            Assert.That(row.RecordIds, Does.Contain("P-1"));
        }
        Assert.That((await _ledger.FindAsync(lost[0].LeadId, "i-1", CancellationToken.None))!.State, Is.EqualTo(LedgerStates.InProgress));
    }

    [Test]
    public async Task A_delivered_mark_waits_for_the_next_one_and_both_share_one_commit()
    {
        var first = (await ClaimAsync(Converted(), TimeSpan.FromMinutes(1)))!;
        var second = (await ClaimAsync(Converted(), TimeSpan.FromMinutes(1)))!;
        var result = new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["prospect"] = "P-1" });

        // Without a linger the first mark would be written at once, alone: its batch is taken before this call returns.
        var firstMarked = _ledger.MarkDeliveredAsync(first, 1, result, CancellationToken.None);
        var secondMarked = _ledger.MarkDeliveredAsync(second, 1, result, CancellationToken.None);

        Assert.That(await Task.WhenAll(firstMarked, secondMarked), Is.All.True);
        await using var connection = await _dataSource.OpenConnectionAsync();
        var transactions = await connection.QuerySingleAsync<long>(
            "select count(distinct xmin::text) from delivery.ledger where lead_id = any(@ids) and state = 'delivered'",
            new { ids = new[] { first.LeadId, second.LeadId } });
        Assert.That(transactions, Is.EqualTo(1), "both rows were marked delivered by one transaction");
    }

    [Test]
    public async Task Claims_arriving_together_each_get_their_own_row_and_token()
    {
        var messages = Enumerable.Range(0, 50).Select(_ => Converted()).ToList();

        var claims = await Task.WhenAll(messages.Select(m => ClaimAsync(m, TimeSpan.FromMinutes(1))));

        Assert.That(claims, Is.All.Not.Null);
        Assert.That(claims.Select(c => c!.LeadId), Is.EqualTo(messages.Select(m => m.LeadId)), "each caller gets its own delivery");
        Assert.That(claims.Select(c => c!.LeaseToken).Distinct().Count(), Is.EqualTo(messages.Count), "a token per claim");
        foreach (var (message, claim) in messages.Zip(claims))
        {
            Assert.That(claim!.State, Is.EqualTo(LedgerStates.InProgress));
            Assert.That(claim.MayExist, Is.False);
            Assert.That(claim.Converted, Is.SameAs(message), "a fresh row holds the message just sent: not read back");
            var row = (await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!;
            Assert.That(row.LeaseToken, Is.EqualTo(claim.LeaseToken));
            Assert.That(row.State, Is.EqualTo(LedgerStates.InProgress));
        }
    }

    [Test]
    public async Task Ten_claims_of_the_same_delivery_at_once_yield_exactly_one_holder()
    {
        var message = Converted();
        // Each claim as its own deserialized copy, the way a redelivered message arrives beside its original.
        var copies = Enumerable.Range(0, 10).Select(_ => message with { }).ToList();
        var others = Enumerable.Range(0, 10).Select(_ => Converted()).ToList();

        var claims = await Task.WhenAll(copies.Concat(others).Select(m => ClaimAsync(m, TimeSpan.FromMinutes(1))));

        var holders = claims.Take(copies.Count).Where(c => c is not null).ToList();
        Assert.That(holders, Has.Count.EqualTo(1));
        Assert.That(claims.Skip(copies.Count), Is.All.Not.Null, "the other deliveries in the same batch are claimed");
        var row = (await _ledger.FindAsync(message.LeadId, "i-1", CancellationToken.None))!;
        Assert.That(row.LeaseToken, Is.EqualTo(holders[0]!.LeaseToken));
        Assert.That(await ClaimAsync(message, TimeSpan.FromMinutes(1)), Is.Null, "still held");
    }

    [Test]
    public async Task Claiming_a_recorded_delivery_returns_the_message_the_ledger_holds_not_the_one_sent()
    {
        var message = Converted();
        var stored = message with { Lead = message.Lead with { AccountId = "updated" } };
        await using (var connection = await _dataSource.OpenConnectionAsync())
        {
            // Recorded earlier and since carried an update: the ledger's message is newer than the broker's.
            await connection.ExecuteAsync("""
                insert into delivery.ledger (lead_id, integration_id, crm, state, message)
                values (@LeadId, 'i-1', @Crm, 'pending', @Message::jsonb)
                """, new { message.LeadId, Crm, Message = System.Text.Json.JsonSerializer.Serialize(stored, LeadPlatform.Contracts.PlatformJson.Options) });
        }

        var claim = await ClaimAsync(message, TimeSpan.FromMinutes(1));

        Assert.That(claim, Is.Not.Null);
        Assert.That(claim!.Converted, Is.Null, "read from the ledger");
        Assert.That(claim.Message, Does.Contain("\"updated\""));
        Assert.That(claim.LeaseToken, Is.Not.Null);
    }
}
