using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Issue 16's holes in who may read and change what, each attempted against the real services, broker and database:
/// every attempt is refused and changes nothing.
/// </summary>
[TestFixture, Category("Security")]
public class SecuritySpecs
{
    private SecurityPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task Start() => _platform = await SecurityPlatform.StartAsync("security");

    [OneTimeTearDown]
    public async Task Stop() => await _platform.DisposeAsync();

    [Test]
    public async Task Hole_1_a_push_signed_by_another_accounts_integration_cannot_touch_a_lead_by_its_id_or_record_id()
    {
        var leadId = await _platform.SubmitAsync(SecurityPlatform.RoobrikKey, "roobrik");
        var before = await _platform.StateAsync();

        using var byLeadId = await _platform.PushAsync("beta-push",
            new { eventId = $"h1-{Guid.NewGuid():N}", leadId, status = "Closed - Converted", occurredAt = DateTimeOffset.UtcNow }, SecurityPlatform.BetaSecret);
        using var byRecordId = await _platform.PushAsync("beta-push",
            new { eventId = $"h1-{Guid.NewGuid():N}", recordId = "00Q-acme-only", status = "Closed - Converted", occurredAt = DateTimeOffset.UtcNow }, SecurityPlatform.BetaSecret);

        Assert.That(byLeadId.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), await byLeadId.Content.ReadAsStringAsync());
        Assert.That(byRecordId.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), await byRecordId.Content.ReadAsStringAsync());
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        // The lead's own account's integration still reaches it.
        using var own = await _platform.PushAsync("acme-push",
            new { eventId = $"h1-{Guid.NewGuid():N}", leadId, status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow }, SecurityPlatform.AcmeSecret);
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), await own.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Hole_4_the_timeline_and_unmapped_values_need_a_key_and_show_a_lead_only_to_who_may_read_it()
    {
        var leadId = await _platform.SubmitAsync(SecurityPlatform.RoobrikKey, "roobrik");
        var timeline = $"v1/leads/{leadId}/timeline";
        var d = _platform.Disposition;

        using var anonymous = await SecurityPlatform.GetAsync(d, timeline);
        using var badKey = await SecurityPlatform.GetAsync(d, timeline, admin: "not-a-key-0123456789abcdefgh");
        using var unmapped = await SecurityPlatform.GetAsync(d, "v1/dispositions/unmapped");
        using var otherSource = await SecurityPlatform.GetAsync(d, timeline, apiKey: SecurityPlatform.VendorKey);
        using var otherAccount = await SecurityPlatform.GetAsync(d, timeline, admin: SecurityPlatform.BetaViewerKey);
        using var scopedUnmapped = await SecurityPlatform.GetAsync(d, "v1/dispositions/unmapped", admin: SecurityPlatform.AcmeViewerKey);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(badKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unmapped.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(otherSource.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another source of the same account");
        Assert.That(otherAccount.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a viewer of another account");
        Assert.That(scopedUnmapped.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a viewer of one account reads no cross-account list");
        foreach (var refused in new[] { anonymous, badKey, otherSource, otherAccount })
        {
            Assert.That(await refused.Content.ReadAsStringAsync(), Does.Not.Contain("\"entries\""), "no timeline entry leaks");
        }
        using var ownSource = await SecurityPlatform.GetAsync(d, timeline, apiKey: SecurityPlatform.RoobrikKey);
        using var ownAccount = await SecurityPlatform.GetAsync(d, timeline, admin: SecurityPlatform.AcmeViewerKey);
        using var viewerUnmapped = await SecurityPlatform.GetAsync(d, "v1/dispositions/unmapped", admin: SecurityPlatform.ViewerKey);
        Assert.That(ownSource.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ownSource.Content.ReadAsStringAsync());
        Assert.That(ownAccount.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(viewerUnmapped.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Hole_11_a_source_key_reads_only_its_own_sources_leads_unless_granted_its_accounts()
    {
        var leadId = await _platform.SubmitAsync(SecurityPlatform.RoobrikKey, "roobrik");
        using var vendor = _platform.ClientWithKey(SecurityPlatform.VendorKey);
        using var roobrik = _platform.ClientWithKey(SecurityPlatform.RoobrikKey);
        var before = await _platform.StateAsync();

        using var read = await vendor.GetAsync($"v1/leads/{leadId}");
        using var patch = await vendor.PatchAsync($"v1/leads/{leadId}", JsonContent.Create(new { prospect = new { phone = "555-0199" } }));

        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await read.Content.ReadAsStringAsync(), Does.Not.Contain("edith.secret"));
        Assert.That(patch.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        using (var own = await roobrik.GetAsync($"v1/leads/{leadId}"))
        {
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var grant = await SecurityPlatform.SendAsync(_platform.Ingestion, HttpMethod.Put, "v1/source-keys/vendor",
            new { key = SecurityPlatform.VendorKey, accounts = new[] { "acme" }, readAccountLeads = true }, admin: IsolatedEnvironment.AdminKey);
        Assert.That(grant.StatusCode, Is.EqualTo(HttpStatusCode.OK), await grant.Content.ReadAsStringAsync());
        try
        {
            using var granted = await vendor.GetAsync($"v1/leads/{leadId}");
            Assert.That(granted.StatusCode, Is.EqualTo(HttpStatusCode.OK), "granted its account's leads");
            using var stillNoPatch = await vendor.PatchAsync($"v1/leads/{leadId}", JsonContent.Create(new { prospect = new { phone = "555-0199" } }));
            Assert.That(stillNoPatch.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "reading is granted, changing is not");
        }
        finally
        {
            await _platform.PutSourceKeyAsync("vendor", SecurityPlatform.VendorKey, "acme");
        }
    }

    [Test]
    public async Task A_push_to_an_unknown_integration_is_answered_exactly_like_a_bad_signature()
    {
        var before = await _platform.StateAsync();
        var payload = new { eventId = "unknown-integration", leadId = Guid.NewGuid(), status = "Working - Contacted", occurredAt = DateTimeOffset.UtcNow };

        using var unknown = await _platform.PushAsync("no-such-integration", payload, "any-secret-at-all-0123456789");
        using var badSignature = await _platform.PushAsync("acme-push", payload, "any-secret-at-all-0123456789");

        Assert.That(unknown.StatusCode, Is.EqualTo(badSignature.StatusCode));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await WithoutTraceAsync(unknown), Is.EqualTo(await WithoutTraceAsync(badSignature)));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Roles_a_viewer_reads_but_neither_replays_drains_nor_configures_an_operator_drains_but_does_not_configure()
    {
        var ingestion = _platform.Ingestion;
        var before = await _platform.StateAsync();
        var integration = new { accountId = "acme", crm = "enquire", endpoint = "http://127.0.0.1:9/enquire" };

        using var viewerReads = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: SecurityPlatform.ViewerKey);
        using var viewerDrains = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Post, "v1/admin/error-queues/connector-enquire_error/drain", null, admin: SecurityPlatform.ViewerKey);
        using var viewerReplays = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Post, "v1/admin/deliveries/replay", null, admin: SecurityPlatform.ViewerKey);
        using var viewerSubmits = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Post, "v1/leads", SecurityPlatform.Lead("roobrik"), admin: SecurityPlatform.ViewerKey);
        using var viewerConfigures = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Put, "v1/integrations/role-test", integration, admin: SecurityPlatform.ViewerKey);
        using var operatorConfigures = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Put, "v1/integrations/role-test", integration, admin: SecurityPlatform.OperatorKey);
        using var operatorSetsKeys = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Put, "v1/source-keys/intruder",
            new { key = "intruder-key-0123456789", accounts = new[] { "*" } }, admin: SecurityPlatform.OperatorKey);
        using var scopedLists = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: SecurityPlatform.AcmeViewerKey);

        Assert.That(viewerReads.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(viewerReplays.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(viewerDrains.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(viewerSubmits.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(viewerConfigures.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(operatorConfigures.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(operatorSetsKeys.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(scopedLists.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await _platform.StateAsync(), Is.EqualTo(before));
        // The operator passes the role check: the drain itself then refuses a queue that is not an error queue.
        using var operatorDrains = await SecurityPlatform.SendAsync(ingestion, HttpMethod.Post, "v1/admin/error-queues/not-an-error-queue/drain", null, admin: SecurityPlatform.OperatorKey);
        Assert.That(operatorDrains.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await operatorDrains.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_viewer_of_one_account_reads_that_accounts_leads_only()
    {
        var leadId = await _platform.SubmitAsync(SecurityPlatform.RoobrikKey, "roobrik");
        var ingestion = _platform.Ingestion;

        using var acme = await SecurityPlatform.GetAsync(ingestion, $"v1/leads/{leadId}", admin: SecurityPlatform.AcmeViewerKey);
        using var acmeAdmin = await SecurityPlatform.GetAsync(ingestion, $"v1/admin/leads/{leadId}", admin: SecurityPlatform.AcmeViewerKey);
        using var beta = await SecurityPlatform.GetAsync(ingestion, $"v1/leads/{leadId}", admin: SecurityPlatform.BetaViewerKey);
        using var betaAdmin = await SecurityPlatform.GetAsync(ingestion, $"v1/admin/leads/{leadId}", admin: SecurityPlatform.BetaViewerKey);

        Assert.That(acme.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(acmeAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(beta.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(betaAdmin.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await beta.Content.ReadAsStringAsync(), Does.Not.Contain("edith.secret"));
    }

    [Test]
    public async Task Keys_rotate_without_a_restart_when_the_keys_file_changes()
    {
        var ingestion = _platform.Ingestion;
        const string rotated = "rotated-viewer-key-0123456789abcdef";
        using (var old = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: SecurityPlatform.ViewerKey))
        {
            Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await SecurityPlatform.WriteKeysAsync(_platform.KeysFile, new Dictionary<string, object>
        {
            ["viewer"] = new { key = rotated, role = "viewer" },
            ["operator"] = new { key = SecurityPlatform.OperatorKey, role = "operator" },
            ["acme-viewer"] = new { key = SecurityPlatform.AcmeViewerKey, role = "viewer", accountId = "acme" },
            ["beta-viewer"] = new { key = SecurityPlatform.BetaViewerKey, role = "viewer", accountId = "beta" },
        });
        try
        {
            // Polls with the new key only: failed attempts with the old one would count towards the per-IP limit.
            await Eventually.UntilAsync(async () =>
            {
                using var fresh = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: rotated);
                using var freshOnDisposition = await SecurityPlatform.GetAsync(_platform.Disposition, "v1/dispositions/unmapped", admin: rotated);
                return fresh.IsSuccessStatusCode && freshOnDisposition.IsSuccessStatusCode;
            }, TimeSpan.FromSeconds(20), "the rotated key to be accepted");
            using var old = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: SecurityPlatform.ViewerKey);
            Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the replaced key is revoked");
        }
        finally
        {
            await SecurityPlatform.WriteKeysAsync(_platform.KeysFile, new Dictionary<string, object>
            {
                ["viewer"] = new { key = SecurityPlatform.ViewerKey, role = "viewer" },
                ["operator"] = new { key = SecurityPlatform.OperatorKey, role = "operator" },
                ["acme-viewer"] = new { key = SecurityPlatform.AcmeViewerKey, role = "viewer", accountId = "acme" },
                ["beta-viewer"] = new { key = SecurityPlatform.BetaViewerKey, role = "viewer", accountId = "beta" },
            });
            // Until the rotated key is refused: one failed attempt, not one per poll.
            await Eventually.UntilAsync(async () =>
            {
                using var gone = await SecurityPlatform.GetAsync(ingestion, "v1/admin/outbox", admin: rotated);
                return gone.StatusCode == HttpStatusCode.Unauthorized;
            }, TimeSpan.FromSeconds(20), "the keys file to be restored");
        }
    }

    private static async Task<string> WithoutTraceAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }
}
