using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion;
using LeadPlatform.Integrations;
using LeadPlatform.Testing;
using MassTransit.Serialization;
using Microsoft.AspNetCore.Http;

namespace LeadPlatform.UnitTests.Security;

/// <summary>
/// Property tests of the intake parsers, in process: 10,000 generated and mutated inputs each for JSON leads, ADF
/// documents and broker SubmitLead bodies must each end refused (a 4xx with the offending field) or accepted with text
/// PostgreSQL can store; never an unexpected exception (a 5xx). A failure names the seed and the input's index.
/// </summary>
[TestFixture, Category("Security")]
public partial class InputFuzzSpecs
{
    private const int Inputs = 10_000;

    [Test]
    public async Task JSON_lead_intake_answers_every_generated_input_with_a_2xx_or_a_4xx()
    {
        var fuzz = new InputFuzz(16_07);
        var outcomes = new Dictionary<int, int>();
        var i = 0;
        foreach (var body in fuzz.JsonLeads(Inputs))
        {
            var status = await Judge(fuzz, i++, body, JsonLeadStatusAsync);
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
        }
        Assert.That(outcomes.Keys, Is.All.InRange(200, 499));
        Assert.That(outcomes.GetValueOrDefault(202), Is.GreaterThan(Inputs / 20), "some inputs must get through to acceptance");
    }

    [Test]
    public async Task ADF_intake_answers_every_generated_input_with_a_2xx_or_a_4xx()
    {
        var fuzz = new InputFuzz(16_08);
        var outcomes = new Dictionary<int, int>();
        var i = 0;
        foreach (var body in fuzz.AdfDocuments(Inputs))
        {
            var status = await Judge(fuzz, i++, body, b => Task.FromResult(AdfStatus(b)));
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
        }
        Assert.That(outcomes.Keys, Is.All.InRange(200, 499));
        Assert.That(outcomes.GetValueOrDefault(202), Is.GreaterThan(Inputs / 20), "some inputs must get through to acceptance");
    }

    [Test]
    public async Task Broker_intake_refuses_or_accepts_every_generated_raw_JSON_message()
    {
        var fuzz = new InputFuzz(16_10);
        var outcomes = new Dictionary<int, int>();
        var i = 0;
        foreach (var body in fuzz.BrokerMessages(Inputs))
        {
            var status = await Judge(fuzz, i++, body, b => Task.FromResult(BrokerStatus(b)));
            outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
        }
        Assert.That(outcomes.Keys, Is.All.InRange(200, 499));
        Assert.That(outcomes.GetValueOrDefault(202), Is.GreaterThan(Inputs / 20), "some inputs must get through to acceptance");
    }

    private static async Task<int> Judge(InputFuzz fuzz, int index, byte[] body, Func<byte[], Task<int>> status)
    {
        try
        {
            return await status(body);
        }
        catch (Exception ex)
        {
            Assert.Fail($"seed {fuzz.Seed}, input {index} threw {ex.GetType().Name}: {ex.Message}\n{Encoding.UTF8.GetString(body)}");
            throw;
        }
    }

    /// <summary>As <c>POST /v1/leads</c> reads and validates a body.</summary>
    private static async Task<int> JsonLeadStatusAsync(byte[] body)
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream(body);
        var (lead, problem) = await JsonBody.ReadAsync<Lead>(http.Request, CancellationToken.None);
        if (problem is not null)
        {
            return ((IStatusCodeHttpResult)problem).StatusCode!.Value;
        }
        return Checked(lead!, null);
    }

    /// <summary>As <c>POST /v1/leads/adf</c> parses a document; a program rule then sets the account.</summary>
    private static int AdfStatus(byte[] body)
    {
        IReadOnlyList<Lead> leads;
        try
        {
            leads = AdfParser.Parse(body, "vendor");
        }
        catch (AdfParser.AdfException ex)
        {
            Assert.That(ex.Field, Is.Not.Empty);
            return 400;
        }
        return leads.Select(l => Checked(l with { AccountId = "acme-auto" }, "adf#0")).Max();
    }

    /// <summary>As queue <c>ingestion-submit-lead</c> deserializes raw JSON and its consumer checks the lead.</summary>
    private static int BrokerStatus(byte[] body)
    {
        SubmitLead? message;
        try
        {
            message = JsonSerializer.Deserialize<SubmitLead>(body, SystemTextJsonMessageSerializer.Options);
        }
        catch (JsonException)
        {
            return 400;
        }
        return message?.Lead is null ? 400 : Checked(message.Lead, message.IdempotencyKey);
    }

    /// <summary>400 when the validator refuses; otherwise the lead as it would be stored must be storable.</summary>
    private static int Checked(Lead lead, string? idempotencyKey)
    {
        var errors = LeadValidator.Validate(lead);
        if (errors.Count > 0)
        {
            Assert.That(errors.Keys, Is.All.Not.Empty);
            return 400;
        }
        if (LeadSubmission.IdempotencyKeyProblem(idempotencyKey) is not null)
        {
            return 400;
        }
        var payload = JsonSerializer.Serialize(lead, PlatformJson.Options);
        Assert.That(payload, Does.Not.Contain("\\u0000"), "PostgreSQL's jsonb refuses NUL");
        Assert.That(UnpairedSurrogate().IsMatch(payload), Is.False, $"PostgreSQL's jsonb refuses unpaired surrogates: {payload}");
        foreach (var column in new[] { lead.Source, lead.SourceLeadId, lead.AccountId, lead.Conversion, idempotencyKey })
        {
            Assert.That(column ?? "", Does.Not.Contain('\0'));
        }
        return 202;
    }

    [GeneratedRegex(@"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")]
    private static partial Regex UnpairedSurrogate();
}
