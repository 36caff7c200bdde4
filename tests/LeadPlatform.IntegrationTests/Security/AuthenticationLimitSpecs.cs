using System.Net;
using System.Net.Http.Json;
using LeadPlatform.Disposition;
using LeadPlatform.Ingestion;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>Failed authentication is rate limited per client IP and credential; a service refuses to start outside Development on a weak admin key.</summary>
[TestFixture, Category("Security")]
public class AuthenticationLimitSpecs
{
    private static async Task<IngestionHost> LimitedHostAsync(string purpose)
    {
        var host = await IngestionHost.StartAsync(purpose, settings: new Dictionary<string, string?>
        {
            ["Security:AuthFailures:PermitLimit"] = "3",
            ["Security:AuthFailures:AddressPermitLimit"] = "6",
            ["Security:AuthFailures:Window"] = "00:05:00",
        });
        await host.PutSourceKeyAsync("roobrik", "roobrik-good-key-0123456789", "acme");
        await host.PutIntegrationAsync("acme-enquire", new { accountId = "acme", crm = "enquire", endpoint = "http://127.0.0.1:9/enquire" });
        return host;
    }

    [Test]
    public async Task A_caller_repeating_a_bad_key_is_answered_429_while_others_behind_the_same_address_keep_working()
    {
        await using var host = await LimitedHostAsync("authlimit");
        var before = await host.CountsAsync();
        using var guessing = host.ClientWithKey("guess-0123456789abcdef");
        using var good = host.ClientWithKey("roobrik-good-key-0123456789");

        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await guessing.PostAsJsonAsync("v1/leads", SecurityPlatform.Lead("roobrik"));
            answers.Add(last.StatusCode);
        }
        using var otherAdmin = await SecurityPlatform.GetAsync(host.Ingestion, "v1/admin/outbox", admin: IsolatedEnvironment.AdminKey);
        using var goodThen = await good.PostAsJsonAsync("v1/leads", SecurityPlatform.Lead("roobrik"));

        Assert.That(answers, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.That(last!.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        last.Dispose();
        Assert.That(otherAdmin.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a console user with a good key behind the same address");
        Assert.That(goodThen.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "a source with a good key behind the same address");
        Assert.That(await host.CountsAsync(), Is.Not.EqualTo(before), "the good lead only");
    }

    [Test]
    public async Task Trying_a_new_key_each_time_is_limited_per_address_and_then_refuses_even_a_good_key()
    {
        await using var host = await LimitedHostAsync("authlimitspray");
        var before = await host.CountsAsync();
        using var good = host.ClientWithKey("roobrik-good-key-0123456789");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var guess = host.ClientWithKey($"guess-{i}-0123456789abcdef");
            using var response = await guess.PostAsJsonAsync("v1/leads", SecurityPlatform.Lead("roobrik"));
            answers.Add(response.StatusCode);
        }
        using var guessedAdmin = await SecurityPlatform.GetAsync(host.Ingestion, "v1/admin/outbox", admin: "guess-0123456789abcdefghijkl");
        using var goodThen = await good.PostAsJsonAsync("v1/leads", SecurityPlatform.Lead("roobrik"));

        Assert.That(answers, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.Unauthorized, 6).Append(HttpStatusCode.TooManyRequests)));
        Assert.That(guessedAdmin.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(goodThen.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "a spraying address learns nothing about the keys it tries");
        Assert.That(goodThen.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(await host.CountsAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Disposition_limits_bad_signatures_per_address()
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("authlimitdisp");
        var config = environment.ServiceConfiguration();
        config["Security:AuthFailures:PermitLimit"] = "2";
        await using var disposition = await InProcessService.StartAsync("disposition-limit", config,
            b => { b.AddServiceDefaults(); b.AddDisposition(); },
            a => { a.MapDefaultEndpoints(); a.MapDisposition(); });

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await disposition.Client.PostAsync("v1/dispositions/no-such-integration", JsonContent.Create(new { eventId = "x" }));
            answers.Add(response.StatusCode);
        }
        using var guessedTimeline = await SecurityPlatform.GetAsync(disposition, $"v1/leads/{Guid.NewGuid()}/timeline", admin: "guess-0123456789abcdefghijkl");
        using var timeline = await SecurityPlatform.GetAsync(disposition, $"v1/leads/{Guid.NewGuid()}/timeline", admin: IsolatedEnvironment.AdminKey);

        Assert.That(answers, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.That(guessedTimeline.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another credential of the same address: its own count");
        Assert.That(timeline.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a good key is not locked out by someone else's failures");
    }

    public static IEnumerable<TestCaseData> WeakKeys()
    {
        foreach (var service in new[] { "ingestion", "disposition" })
        {
            yield return new TestCaseData(service, null).SetName($"{service}: no admin key");
            yield return new TestCaseData(service, "").SetName($"{service}: an empty admin key");
            yield return new TestCaseData(service, "dev-admin-key").SetName($"{service}: the published dev-admin-key");
            yield return new TestCaseData(service, "short-key-0123").SetName($"{service}: a key shorter than 24 characters");
        }
    }

    [TestCaseSource(nameof(WeakKeys))]
    public async Task Outside_Development_a_service_refuses_to_start_on_a_weak_admin_key_saying_how_to_set_one(string service, string? key)
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("weakkey");
        var config = environment.ServiceConfiguration();
        config["Admin:Key"] = key;
        config["DataProtection:Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)); // only the admin key is weak
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = $"{service}-production",
            EnvironmentName = "Production",
            ContentRootPath = Directory.CreateTempSubdirectory("lp-production-").FullName,
        });
        builder.Configuration.AddInMemoryCollection(config);
        var url = $"http://127.0.0.1:{FreePort.Next()}/";
        builder.WebHost.UseUrls(url);
        builder.AddServiceDefaults();
        if (service == "ingestion")
        {
            builder.AddIngestion();
        }
        else
        {
            builder.AddDisposition();
        }
        await using var app = builder.Build();

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.That(refused!.Message, Does.Contain("Refusing to start").And.Contain("Admin__Keys__<name>__Key").And.Contain("build/up.sh"));
        using var probe = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        Assert.ThrowsAsync<HttpRequestException>(() => probe.GetAsync("health/live"), "nothing listens: the service did not start");
    }
}
