using System.Diagnostics;
using LeadPlatform.ServiceDefaults;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>Phones and emails (percent-encoded ones too) never leave a service in a span; ids and times do.</summary>
public class TelemetryRedactionSpecs
{
    [TestCase("call 555-1234-5678 after 5pm", "call *** after 5pm")]
    [TestCase("phone +1 (555) 123 4567 refused", "phone *** refused")]
    [TestCase("mobile 07700900123", "mobile ***")]
    [TestCase("tel 555.123.4567", "tel ***")]
    public void Phone_numbers_in_free_text_are_masked(string text, string expected) =>
        Assert.That(TelemetryRedaction.MaskPersonalData(text), Is.EqualTo(expected));

    [TestCase("01937c5e-7425-40de-944b-e07fc1f90ae7")]
    [TestCase("12345678-1234-1234-1234-123456789012")]
    [TestCase("2026-11-23T09:41:02.1234567Z")]
    [TestCase("2026-11-23")]
    [TestCase("retrying at 11/23/2026 09:41:07 +00:00")]
    [TestCase("attempts 3, 1500 ms")]
    [TestCase("http://127.0.0.1:5080/v1/leads")]
    public void Ids_times_and_counts_are_left_alone(string text) =>
        Assert.That(TelemetryRedaction.MaskPersonalData(text), Is.EqualTo(text));

    [TestCase("id 555-12x34-5678 x", "id 555-12x34-5678 x")]
    [TestCase("lead 01937c5e, phone 5551234567", "lead 01937c5e, phone ***")]
    [TestCase("(555) 123-4567", "***")]
    public void Only_a_run_of_seven_digits_and_separators_is_a_phone(string text, string expected) =>
        Assert.That(TelemetryRedaction.MaskPhones(text), Is.EqualTo(expected));

    /// <summary>Masking skips the regex for text with no run of 7 digits; on any text it answers as the regex alone would.</summary>
    [Test]
    public void The_shortcut_past_the_phone_regex_never_changes_the_answer()
    {
        var phone = new System.Text.RegularExpressions.Regex(@"(?<![\w.:\-])\+?\(?\d[\d\s().\-]{5,}\d(?![\w:\-])");
        var isoDate = new System.Text.RegularExpressions.Regex(@"^\d{4}-\d{2}-\d{2}$");
        string RegexOnly(string text) => phone.Replace(text, m =>
        {
            var count = m.Value.Count(char.IsAsciiDigit);
            var separated = m.Value.Any(c => !char.IsAsciiDigit(c));
            return count is >= 7 and <= 15 && (separated || count >= 10) && !isoDate.IsMatch(m.Value) ? TelemetryRedaction.Mask : m.Value;
        });
        const string alphabet = "0123456789012345678901234567890123456789 -().+:_ax\u0663\u00a0";
        var random = new Random(22);
        for (var i = 0; i < 20_000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(1, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.That(TelemetryRedaction.MaskPhones(text), Is.EqualTo(RegexOnly(text)), text);
        }
    }

    [TestCase("jane%40example.org", "***")]
    [TestCase("JANE%40EXAMPLE.ORG exists", "*** exists")]
    public void Percent_encoded_emails_are_masked(string text, string expected) =>
        Assert.That(TelemetryRedaction.MaskEmails(text), Is.EqualTo(expected));

    [TestCase("http://crm/contacts/by-email/jane.doe%40example.org/notes", "http://crm/contacts/by-email/***/notes")]
    [TestCase("http://crm/contacts/by-phone/555%201234%205678?x=1", "http://crm/contacts/by-phone/***?x=***")]
    [TestCase("http://crm/individuals/42/reports?email=a%40b.com", "http://crm/individuals/42/reports?email=***")]
    [TestCase("http://crm/records/01937c5e-7425-40de-944b-e07fc1f90ae7", "http://crm/records/01937c5e-7425-40de-944b-e07fc1f90ae7")]
    public void Urls_lose_query_values_and_personal_data_in_their_path(string url, string expected) =>
        Assert.That(TelemetryRedaction.MaskUrl(url), Is.EqualTo(expected));

    [Test]
    public void A_finished_span_carries_no_email_or_phone_in_tags_urls_or_status()
    {
        using var source = new ActivitySource("redaction-specs");
        var exported = new List<Activity>();
        using (Sdk.CreateTracerProviderBuilder().AddSource(source.Name).AddLeadPlatformSpanProcessors().AddProcessor(new Capture(exported)).Build())
        {
            using var span = source.StartActivity("lookup")!;
            span.SetTag("url.full", "http://crm/people/jane%40example.org?phone=555-1234-5678");
            span.SetTag("crm.error", "Contact +44 7700 900123 already exists");
            span.SetTag(LeadTags.LeadId, "01937c5e-7425-40de-944b-e07fc1f90ae7");
            span.SetStatus(ActivityStatusCode.Error, "duplicate of jane%40example.org, 555-1234-5678");
        }

        var tags = exported.Single().Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Multiple(() =>
        {
            Assert.That(tags["url.full"], Is.EqualTo("http://crm/people/***?phone=***"));
            Assert.That(tags["crm.error"], Is.EqualTo("Contact *** already exists"));
            Assert.That(tags[LeadTags.LeadId], Is.EqualTo("01937c5e-7425-40de-944b-e07fc1f90ae7"));
            Assert.That(exported.Single().StatusDescription, Is.EqualTo("duplicate of ***, ***"));
        });
    }

    private sealed class Capture(List<Activity> exported) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => exported.Add(data);
    }
}
