using System.Text.Json;
using LeadPlatform.Contracts;

namespace LeadPlatform.Integrations;

/// <summary>
/// A configured integration: one account's connection to one CRM. Data, not code: managed by ingestion's
/// admin API or loaded from a JSON file, read by connectors and disposition.
/// </summary>
public sealed record Integration
{
    public string Id { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string Crm { get; init; } = "";
    /// <summary><c>account</c> (every lead of the account), <c>dealer</c> or <c>oem</c>.</summary>
    public string Level { get; init; } = IntegrationLevels.Account;
    public string? DealerId { get; init; }
    public string? OemId { get; init; }
    public IntegrationFilter Filter { get; init; } = new();
    public IReadOnlyList<string> Directions { get; init; } = [IntegrationDirections.Outbound];
    /// <summary>The CRM's base URL (the sandbox locally).</summary>
    public string? Endpoint { get; init; }
    public IReadOnlyDictionary<string, string> Credentials { get; init; } = new Dictionary<string, string>();
    /// <summary>CRM-specific settings; each connector reads its own shape with <see cref="SettingsAs{T}"/>.</summary>
    public JsonElement Settings { get; init; } = EmptyObject;
    public bool Enabled { get; init; } = true;

    public string? Credential(string name) => Credentials.TryGetValue(name, out var value) ? value : null;

    public T SettingsAs<T>() where T : new()
    {
        try
        {
            return Settings.ValueKind == JsonValueKind.Object ? Settings.Deserialize<T>(PlatformJson.Options) ?? new T() : new T();
        }
        catch (JsonException ex)
        {
            // A setting of the wrong type (saved before settings were checked at the door): a configuration fault.
            throw new IntegrationSettingsException($"the settings of integration {Id} can't be read: {ex.Message}", ex);
        }
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}

public sealed record IntegrationFilter
{
    public IReadOnlyList<string>? Sources { get; init; }
    public IReadOnlyList<string>? Programs { get; init; }
    public IReadOnlyList<string>? Dealers { get; init; }
}

public static class IntegrationLevels
{
    public const string Account = "account";
    public const string Dealer = "dealer";
    public const string Oem = "oem";
}

public static class IntegrationDirections
{
    public const string Outbound = "outbound";
    public const string InboundPush = "inbound-push";
    public const string InboundPoll = "inbound-poll";
}
