using System.Globalization;
using System.Text;
using LeadPlatform.Disposition;

namespace LeadPlatform.UnitTests.Disposition;

public class WebhookSignatureSpecs
{
    private const string Secret = "whsec-test";
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"leadId\":\"x\",\"status\":\"Sold\"}");
    private static string Stamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    [Test]
    public void A_signature_over_timestamp_and_body_with_the_secret_is_valid()
    {
        var ts = Stamp(Now);
        Assert.That(WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now), Is.EqualTo(SignatureCheck.Valid));
    }

    [Test]
    public void The_signature_is_hex_hmac_sha256_of_timestamp_dot_body()
    {
        // Reference value computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac key
        Assert.That(WebhookSignature.Sign("key", "1700000000", "{}"u8), Is.EqualTo("sha256=" + Convert.ToHexStringLower(
            System.Security.Cryptography.HMACSHA256.HashData("key"u8, "1700000000.{}"u8))));
    }

    [Test]
    public void Another_secret_or_a_changed_body_or_timestamp_does_not_match()
    {
        var ts = Stamp(Now);
        var signature = WebhookSignature.Sign(Secret, ts, Body);
        Assert.That(WebhookSignature.Verify("other", ts, signature, Body, Now), Is.EqualTo(SignatureCheck.Mismatch));
        Assert.That(WebhookSignature.Verify(Secret, ts, signature, Encoding.UTF8.GetBytes("{\"leadId\":\"x\",\"status\":\"Lost\"}"), Now), Is.EqualTo(SignatureCheck.Mismatch));
        Assert.That(WebhookSignature.Verify(Secret, Stamp(Now.AddSeconds(1)), signature, Body, Now), Is.EqualTo(SignatureCheck.Mismatch));
    }

    [TestCase(-301)]
    [TestCase(301)]
    public void A_timestamp_more_than_five_minutes_away_is_stale(int seconds)
    {
        var ts = Stamp(Now.AddSeconds(seconds));
        Assert.That(WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now), Is.EqualTo(SignatureCheck.Stale));
    }

    [TestCase(-299)]
    [TestCase(299)]
    public void A_timestamp_within_five_minutes_is_accepted(int seconds)
    {
        var ts = Stamp(Now.AddSeconds(seconds));
        Assert.That(WebhookSignature.Verify(Secret, ts, WebhookSignature.Sign(Secret, ts, Body), Body, Now), Is.EqualTo(SignatureCheck.Valid));
    }

    [Test]
    public void Missing_parts_or_a_malformed_timestamp_are_refused()
    {
        var ts = Stamp(Now);
        var signature = WebhookSignature.Sign(Secret, ts, Body);
        Assert.That(WebhookSignature.Verify(Secret, null, signature, Body, Now), Is.EqualTo(SignatureCheck.Missing));
        Assert.That(WebhookSignature.Verify(Secret, ts, null, Body, Now), Is.EqualTo(SignatureCheck.Missing));
        Assert.That(WebhookSignature.Verify(null, ts, signature, Body, Now), Is.EqualTo(SignatureCheck.Missing), "an integration without a secret takes nothing");
        Assert.That(WebhookSignature.Verify(Secret, "yesterday", signature, Body, Now), Is.EqualTo(SignatureCheck.Malformed));
        Assert.That(WebhookSignature.Verify(Secret, "-5", signature, Body, Now), Is.EqualTo(SignatureCheck.Malformed));
    }
}
