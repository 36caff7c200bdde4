using System.Security.Cryptography;
using System.Text;
using LeadPlatform.Disposition;
using LeadPlatform.Disposition.HubSpot;

namespace LeadPlatform.UnitTests.Disposition;

/// <summary>HubSpot's v3 signature: base64 HMAC-SHA256 of method + uri + body + timestamp, five minutes at most.</summary>
public class HubSpotSignatureSpecs
{
    private const string Secret = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private const string Uri = "https://example.com/v1/dispositions/acme-hs/hubspot";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""[{"eventId":1,"objectId":123}]""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);

    private static string Expected(string timestamp, string uri = Uri) => Convert.ToBase64String(HMACSHA256.HashData(
        Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes("POST" + uri + Encoding.UTF8.GetString(Body) + timestamp)));

    [Test]
    public void A_signature_computed_from_the_documented_recipe_is_valid()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(HubSpotSignature.Verify(Secret, "POST", Uri, Body, timestamp, Expected(timestamp), Now), Is.EqualTo(SignatureCheck.Valid));
    }

    [Test]
    public void The_uri_is_compared_with_the_escapes_HubSpot_decodes_decoded()
    {
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signed = Expected(timestamp, "https://example.com/hook?a=b:c");
        Assert.That(HubSpotSignature.Verify(Secret, "POST", "https://example.com/hook?a=b%3Ac", Body, timestamp, signed, Now), Is.EqualTo(SignatureCheck.Valid));
    }

    [Test]
    public void A_timestamp_older_than_five_minutes_is_stale_and_another_body_does_not_match()
    {
        var old = Now.AddMinutes(-5).AddSeconds(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(HubSpotSignature.Verify(Secret, "POST", Uri, Body, old, Expected(old), Now), Is.EqualTo(SignatureCheck.Stale));
        var timestamp = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(HubSpotSignature.Verify(Secret, "POST", Uri, Encoding.UTF8.GetBytes("[]"), timestamp, Expected(timestamp), Now), Is.EqualTo(SignatureCheck.Mismatch));
    }
}
