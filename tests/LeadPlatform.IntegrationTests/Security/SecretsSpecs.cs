using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Issue 16, hole 2 and credentials at rest: credentials are write-only through the admin API, webhook secrets are
/// long, and what PostgreSQL holds is Data Protection ciphertext that every reader still gets in clear, across key
/// ring rotation and a change of <c>DataProtection:Key</c>.
/// </summary>
[TestFixture, Category("Security")]
public class SecretsSpecs
{
    private const string Secret = "whsec-0123456789abcdef0123456789abcdef";
    private const string OldKey = "old-data-protection-key-0123456789abcdef";
    private IngestionHost _host = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("secrets", settings: new Dictionary<string, string?> { ["DataProtection:Key"] = OldKey });
        _admin = new HttpClient { BaseAddress = _host.Ingestion.BaseAddress };
        _admin.DefaultRequestHeaders.Add("X-Admin-Key", IngestionHost.AdminKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
    }

    private static object Integration(string webhookSecret) => new
    {
        accountId = "acme", crm = "salesforce", directions = new[] { "outbound", "inbound-push" },
        credentials = new Dictionary<string, string> { ["webhookSecret"] = webhookSecret, ["clientSecret"] = "sf-client-secret" },
    };

    private IntegrationStore Store(int instance = 0) => _host.Instances[instance].Services.GetRequiredService<IntegrationStore>();

    private async Task<string> StoredCredentialsAsync(string id)
    {
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>("select credentials::text from integrations.integration where id = @id", new { id });
    }

    private async Task<IReadOnlyDictionary<string, string>> ClearCredentialsAsync(string id, int instance = 0) =>
        (await Store(instance).AllAsync())[id].Credentials;

    [Test]
    public async Task Hole_2_putting_back_the_masked_body_GET_shows_keeps_the_stored_secrets()
    {
        (await _admin.PutAsJsonAsync("v1/integrations/wo-1", Integration(Secret))).EnsureSuccessStatusCode();
        var shown = await _admin.GetFromJsonAsync<JsonElement>("v1/integrations/wo-1");
        Assert.That(shown.GetProperty("credentials").GetProperty("webhookSecret").GetString(), Is.EqualTo("***"));
        var storedBefore = await StoredCredentialsAsync("wo-1");

        using var put = await _admin.PutAsync("v1/integrations/wo-1", JsonContent.Create(shown));
        var partial = await _admin.PutAsJsonAsync("v1/integrations/wo-1", new { accountId = "acme", crm = "salesforce", directions = new[] { "outbound", "inbound-push" } });

        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        Assert.That(partial.StatusCode, Is.EqualTo(HttpStatusCode.OK), await partial.Content.ReadAsStringAsync());
        Assert.That(await ClearCredentialsAsync("wo-1"), Is.EqualTo(new Dictionary<string, string> { ["webhookSecret"] = Secret, ["clientSecret"] = "sf-client-secret" }));
        Assert.That(await StoredCredentialsAsync("wo-1"), Does.Not.Contain("***"));
        Assert.That(storedBefore, Does.Not.Contain("***"));
    }

    [TestCase("***")]
    [TestCase("short-secret")]
    public async Task Hole_2_a_mask_with_nothing_behind_it_or_a_short_webhook_secret_is_refused_naming_it_and_nothing_changes(string secret)
    {
        (await _admin.PutAsJsonAsync("v1/integrations/wo-2", Integration(Secret))).EnsureSuccessStatusCode();
        var before = await StoredCredentialsAsync("wo-2");

        using var existing = await _admin.PutAsJsonAsync("v1/integrations/wo-2", Integration(secret == "***" ? "tiny" : secret));
        using var fresh = await _admin.PutAsJsonAsync($"v1/integrations/wo-new-{secret.Length}", Integration(secret));

        foreach (var response in new[] { existing, fresh })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), text);
            Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("credentials.webhookSecret", out _), Is.True, text);
        }
        Assert.That(await StoredCredentialsAsync("wo-2"), Is.EqualTo(before));
        Assert.That((await Store().AllAsync()).ContainsKey($"wo-new-{secret.Length}"), Is.False);
    }

    [Test]
    public async Task Credentials_are_ciphertext_in_PostgreSQL_and_clear_to_every_reader()
    {
        (await _admin.PutAsJsonAsync("v1/integrations/at-rest", Integration(Secret))).EnsureSuccessStatusCode();

        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(await StoredCredentialsAsync("at-rest"))!;
        await using var dataSource = _host.Environment.CreateDataSource();
        await using var connection = await dataSource.OpenConnectionAsync();
        var ring = (await connection.QueryAsync<string>("select xml from integrations.data_protection_key")).ToList();

        Assert.That(stored.Values, Is.All.StartsWith("dp1:"));
        Assert.That(string.Concat(stored.Values), Does.Not.Contain(Secret).And.Not.Contain("sf-client-secret"));
        Assert.That(ring, Is.Not.Empty);
        Assert.That(ring, Is.All.Contain("encryptedKey").And.All.Not.Contain("<masterKey"), "the ring's master keys are encrypted under DataProtection:Key");
        Assert.That((await ClearCredentialsAsync("at-rest"))["webhookSecret"], Is.EqualTo(Secret));
    }

    [Test]
    public async Task A_plain_text_row_from_before_encryption_is_read_as_it_is_and_encrypted_at_the_next_start()
    {
        (await _admin.PutAsJsonAsync("v1/integrations/legacy", Integration(Secret))).EnsureSuccessStatusCode();
        await using (var dataSource = _host.Environment.CreateDataSource())
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync("""update integrations.integration set credentials = '{"webhookSecret": "legacy-plain-secret-0123456789abcdef"}' where id = 'legacy'""");
        }
        // The catalog's change notification drops the snapshot: the row is read again within moments, not seconds.
        await Eventually.UntilAsync(async () => (await ClearCredentialsAsync("legacy"))["webhookSecret"] == "legacy-plain-secret-0123456789abcdef",
            TimeSpan.FromSeconds(1), "plain values still read");

        var restarted = _host.Instances.Count;
        await _host.AddInstanceAsync(settings: new Dictionary<string, string?> { ["DataProtection:Key"] = OldKey });

        Assert.That(await StoredCredentialsAsync("legacy"), Does.StartWith("{\"webhookSecret\": \"dp1:").And.Not.Contain("legacy-plain"));
        Assert.That((await ClearCredentialsAsync("legacy", restarted))["webhookSecret"], Is.EqualTo("legacy-plain-secret-0123456789abcdef"));
    }

    [Test]
    public async Task After_a_new_key_ring_key_and_a_new_DataProtection_Key_old_ciphertexts_still_read()
    {
        (await _admin.PutAsJsonAsync("v1/integrations/rotate-old", Integration(Secret))).EnsureSuccessStatusCode();
        var oldKeyId = KeyIdOf(await StoredCredentialsAsync("rotate-old"));

        // Key ring rotation: a new key, active now. Data Protection makes a key the default only once it has had time to
        // reach every instance (it creates its own two days ahead), so the new key is dated as created three days ago.
        // The default key is the one activated last (up to the allowed clock skew ahead), so the new key is activated after
        // every key there is: "a second ago" is not enough when the old key was made moments ago by this test's own PUT.
        var keyManager = _host.Ingestion.Services.GetRequiredService<IKeyManager>();
        var lastActivation = keyManager.GetAllKeys().Max(k => k.ActivationDate);
        var newKey = keyManager.CreateNewKey(Max(DateTimeOffset.UtcNow.AddSeconds(-1), lastActivation.AddSeconds(1)), DateTimeOffset.UtcNow.AddDays(90));
        await using (var dataSource = _host.Environment.CreateDataSource())
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await connection.ExecuteAsync("""
                update integrations.data_protection_key
                   set xml = regexp_replace(xml, '<creationDate>[^<]*</creationDate>', '<creationDate>' || @created || '</creationDate>')
                 where friendly_name = @name
                """, new { created = DateTimeOffset.UtcNow.AddDays(-3).ToString("O"), name = $"key-{newKey.KeyId:D}" });
        }

        // DataProtection:Key rotation too: an instance with a new key and the old one among the previous keys.
        var rotated = await _host.AddInstanceAsync(settings: new Dictionary<string, string?>
        {
            ["DataProtection:Key"] = "new-data-protection-key-0123456789abcdef",
            ["DataProtection:PreviousKeys:0"] = OldKey,
        });
        using var admin = new HttpClient { BaseAddress = rotated.BaseAddress };
        admin.DefaultRequestHeaders.Add("X-Admin-Key", IngestionHost.AdminKey);
        (await admin.PutAsJsonAsync("v1/integrations/rotate-new", Integration(Secret.Replace("whsec", "whnew", StringComparison.Ordinal)))).EnsureSuccessStatusCode();
        var store = rotated.Services.GetRequiredService<IntegrationStore>();

        Assert.That(KeyIdOf(await StoredCredentialsAsync("rotate-new")), Is.EqualTo(newKey.KeyId).And.Not.EqualTo(oldKeyId));
        Assert.That((await store.AllAsync())["rotate-old"].Credential("webhookSecret"), Is.EqualTo(Secret));
        Assert.That((await store.AllAsync())["rotate-new"].Credential("webhookSecret"), Does.StartWith("whnew"));
    }

    /// <summary>The key ring key a Data Protection payload names: after a 4-byte magic header, the key's id.</summary>
    private static Guid KeyIdOf(string credentialsJson)
    {
        var value = JsonSerializer.Deserialize<Dictionary<string, string>>(credentialsJson)!["webhookSecret"];
        var payload = WebEncoders.Base64UrlDecode(value["dp1:".Length..]);
        return new Guid(payload.AsSpan(4, 16));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
