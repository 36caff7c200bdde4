using Dapper;
using LeadPlatform.Bench;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Tools;

/// <summary>
/// The bench's WAL readings against a real PostgreSQL: the WAL's distance between two readings, and the full-page
/// images inside it named by relation (pg_walinspect and pg_checkpoint, both of which <c>build/infra.sh</c> gives
/// the local role).
/// </summary>
[TestFixture]
public class BenchWalReadingSpecs
{
    [Test]
    public async Task The_first_change_to_each_page_after_a_checkpoint_is_counted_as_a_full_page_image_of_its_table()
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("walreading");
        await using var db = environment.CreateDataSource();
        await using var connection = await db.OpenConnectionAsync();
        // Room on every page for a HOT update, and no autovacuum to touch the pages meanwhile.
        await connection.ExecuteAsync("""
            create table wal_probe (id int primary key, note text) with (fillfactor = 50, autovacuum_enabled = false);
            insert into wal_probe select g, 'before' from generate_series(1, 2000) g;
            """);
        const string changed = "id % 100 = 0";
        var pages = await connection.ExecuteScalarAsync<long>(
            $"select count(distinct (ctid::text::point)[0]) from wal_probe where {changed}");
        Assert.That(await Checkpoint.RunAsync(db, "in this test"), Is.True, "this role may not CHECKPOINT: run build/infra.sh, which grants it pg_checkpoint");

        var before = await WalWritten.ReadAsync(db);
        await connection.ExecuteAsync($"update wal_probe set note = 'after' where {changed}");
        var after = await WalWritten.ReadAsync(db);
        var images = await FullPageImages.BetweenAsync(db, environment.Servers.PostgresAdmin, before, after, top: int.MaxValue);

        Assert.That(images, Is.Not.Null, "pg_walinspect is not callable by this role: run build/infra.sh, which installs it and grants the call");
        var ofProbe = images!.Most.Where(i => i.Relation == "wal_probe").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.GreaterThan(1), "the changed rows should lie on several pages");
            // A checkpoint another test (or PostgreSQL's timer) begins during the update may add a second image of a page.
            Assert.That(ofProbe.Sum(i => i.Images), Is.InRange(pages, 2 * pages), "an image of each page the update touched first");
            Assert.That(ofProbe.Select(i => i.Record), Has.All.StartsWith("Heap "));
            Assert.That(images.Total, Is.GreaterThanOrEqualTo(pages));
            Assert.That(after.Position - before.Position, Is.GreaterThan(pages * 1024), "each image is at least the page's filled part");
        });
    }
}
