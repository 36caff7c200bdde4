using System.Security.Cryptography;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Disposition;

/// <summary>What a push's authentication decided: the integration it may act for and the body it checked, or the answer to send.</summary>
public sealed record PushAuth(Integration? Integration, byte[] Body, IResult? Refusal);

/// <summary>
/// The one authentication step of every CRM push (signed webhooks, HubSpot webhooks, Salesforce outbound messages):
/// refused with 429 once the caller spent its failed attempts; the body read as the exact bytes sent, 413 over
/// <see cref="MaxBytes"/> (signatures are over those bytes, so no endpoint reads it again); an unknown, disabled or other-CRM integration, or one
/// without the credential, is checked against a secret nobody has and answered exactly like a bad signature, so
/// integration ids cannot be probed; every failure counts against the caller in <see cref="AuthFailureLimiter"/>.
/// </summary>
public sealed class PushAuthentication(IntegrationStore integrations, AuthFailureLimiter limiter)
{
    public const int MaxBytes = 256 * 1024;

    private static readonly string NobodysSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <param name="crm">The CRM the endpoint is for, or null for any.</param>
    /// <param name="credential">The credential holding the integration's secret.</param>
    /// <param name="verify">Checks the body against a secret (the integration is null when unknown).</param>
    /// <param name="unauthorized">The endpoint's 401 answer for a failed check.</param>
    public async Task<PushAuth> AuthenticateAsync(HttpRequest request, string integrationId, string? crm, string credential,
        Func<Integration?, string, byte[], SignatureCheck> verify, Func<SignatureCheck, IResult> unauthorized, CancellationToken ct)
    {
        var http = request.HttpContext;
        if (limiter.Refusal(http, integrationId) is { } tooMany)
        {
            return new PushAuth(null, [], tooMany);
        }
        if (await RequestBody.ReadAsync(request, MaxBytes, ct) is not { } body)
        {
            return new PushAuth(null, [], Problems.Field("body", $"The body is larger than {MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge));
        }
        var found = await integrations.FindAsync(integrationId, ct);
        var known = found is { Enabled: true } && (crm is null || found.Crm.Equals(crm, StringComparison.OrdinalIgnoreCase))
                    && found.Credential(credential) is { Length: > 0 };
        var check = verify(known ? found : null, known ? found!.Credential(credential)! : NobodysSecret, body);
        if (check != SignatureCheck.Valid || !known)
        {
            return new PushAuth(null, [], Refuse(http, integrationId, unauthorized(check == SignatureCheck.Valid ? SignatureCheck.Mismatch : check)));
        }
        return new PushAuth(found, body, null);
    }

    /// <summary>A failure found after the secret matched (e.g. another Salesforce organization): counted the same.</summary>
    public IResult Refuse(HttpContext http, string integrationId, IResult answer)
    {
        limiter.Failed(http, integrationId);
        return answer;
    }
}
