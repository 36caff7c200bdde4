using System.Net;
using System.Text;
using System.Text.Json;
using LeadPlatform.Ops;

namespace LeadPlatform.UnitTests.Ops;

/// <summary>The lpops command line in-process: bad input is refused before anything is sent, help succeeds.</summary>
public class OpsCliSpecs
{
    private sealed class RecordingHandler(string body = """{"total":0,"deliveries":[]}""") : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.RequestUri!.PathAndQuery);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    private static async Task<(int Exit, string Output, string Error, RecordingHandler Http)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var http = new RecordingHandler();
        var exit = await OpsCli.RunAsync(args, output, error, http);
        return (exit, output.ToString(), error.ToString(), http);
    }

    [TestCase("failed", "--crn", "enquire")]
    [TestCase("replay", "--all", "--crn", "enquire")]
    [TestCase("errors", "drain", "connector-enquire_error", "--limt", "5")]
    [TestCase("unmapped", "--verbose")]
    public async Task An_unknown_option_is_an_error_and_nothing_is_sent(params string[] args)
    {
        var (exit, _, error, http) = await Run(args);

        Assert.That(exit, Is.Not.Zero);
        Assert.That(error, Does.Contain("--"), "the message names the option");
        Assert.That(http.Requests, Is.Empty, "nothing reaches the platform");
    }

    [TestCase("--limit", "failed", "--limit", "0")]
    [TestCase("--since", "failed", "--since", "yesterday")]
    [TestCase("leadId", "lead", "not-a-guid")]
    [TestCase("leadId", "replay", "not-a-guid", "integration-1")]
    [TestCase("replay needs", "replay", "7c9e6679-7425-40de-944b-e07fc1f90ae7")]
    public async Task A_bad_value_is_an_error_naming_it(string named, params string[] args)
    {
        var (exit, _, error, http) = await Run(args);

        Assert.That(exit, Is.EqualTo(1), error);
        Assert.That(error, Does.Contain(named));
        Assert.That(http.Requests, Is.Empty);
    }

    [TestCase("http//127.0.0.1:5080")]
    [TestCase("127.0.0.1:5080")]
    [TestCase("ftp://127.0.0.1/")]
    [TestCase("")]
    public async Task A_malformed_api_url_is_a_clear_error_not_a_crash(string url)
    {
        var (exit, _, error, http) = await Run("failed", "--api", url);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("--api").And.Contain("not an absolute http(s) URL"));
        Assert.That(error, Does.Not.Contain("Exception"));
        Assert.That(http.Requests, Is.Empty);
    }

    [TestCase("--help")]
    [TestCase("failed", "--help")]
    [TestCase("replay", "--help")]
    [TestCase("errors", "drain", "--help")]
    public async Task Help_succeeds_and_describes_the_command(params string[] args)
    {
        var (exit, output, _, http) = await Run(args);

        Assert.That(exit, Is.Zero);
        Assert.That(output, Does.Contain("Usage:").And.Contain("--json"));
        Assert.That(http.Requests, Is.Empty);
    }

    [Test]
    public async Task Replay_help_names_its_own_options()
    {
        var (_, output, _, _) = await Run("replay", "--help");

        Assert.That(output, Does.Contain("--all").And.Contain("--batch").And.Contain("--wait").And.Not.Contain("--limit"));
    }

    [Test]
    public async Task No_command_is_a_usage_error()
    {
        var (exit, _, error, _) = await Run();

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("command"));
    }

    [Test]
    public async Task Json_output_is_the_platforms_answer_and_the_filter_is_sent_as_given()
    {
        var (exit, output, error, http) = await Run("failed", "--crm", "enquire", "--limit", "5", "--json", "--api", "http://127.0.0.1:5999");

        Assert.That(exit, Is.Zero, error);
        Assert.That(http.Requests, Is.EqualTo(new[] { "/v1/admin/deliveries/failed?crm=enquire&limit=5" }));
        Assert.That(JsonDocument.Parse(output).RootElement.GetProperty("total").GetInt32(), Is.Zero);
    }
}
