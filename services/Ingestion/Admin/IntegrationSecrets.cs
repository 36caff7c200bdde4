using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion.Admin;

/// <summary>
/// Credentials are write-only. The API shows each as <c>***</c>; a PUT that sends <c>***</c> (or null) for a credential,
/// or leaves it out, keeps what is stored, so a GET-edit-PUT round trip never stores the mask. An empty string removes
/// a credential.
/// </summary>
public static class IntegrationSecrets
{
    public const string Mask = "***";
    public const string WebhookSecret = "webhookSecret";
    public const int MinWebhookSecretLength = 32;

    public static Integration Redacted(Integration integration) =>
        integration with { Credentials = integration.Credentials.ToDictionary(c => c.Key, _ => Mask) };

    /// <summary>The credentials to store: the given ones over the stored ones; errors name a mask with nothing behind it.</summary>
    public static (Integration Merged, Dictionary<string, string[]> Errors) Merge(Integration given, Integration? stored)
    {
        var errors = new Dictionary<string, string[]>();
        var merged = new Dictionary<string, string>(stored?.Credentials ?? new Dictionary<string, string>());
        foreach (var (name, value) in given.Credentials)
        {
            if (value is null or Mask)
            {
                if (!merged.ContainsKey(name))
                {
                    errors[$"credentials.{name}"] = [$"'{Mask}' keeps a stored value, and none is stored; send the value itself"];
                }
            }
            else if (value.Length == 0)
            {
                merged.Remove(name);
            }
            else
            {
                merged[name] = value;
            }
        }
        return (given with { Credentials = merged }, errors);
    }

    /// <summary>New values only: the mask stands for a value checked when it was stored.</summary>
    public static void Validate(Dictionary<string, string[]> errors, Integration integration)
    {
        foreach (var (name, value) in integration.Credentials)
        {
            if (value is null or Mask or "")
            {
                continue;
            }
            if (LeadText.Problem(value, identifier: false) is { } problem)
            {
                errors[$"credentials.{name}"] = [problem];
            }
            else if (name == WebhookSecret && value.Length < MinWebhookSecretLength)
            {
                errors[$"credentials.{name}"] = [$"must be at least {MinWebhookSecretLength} characters (a random secret, e.g. openssl rand -hex 32)"];
            }
        }
    }
}
