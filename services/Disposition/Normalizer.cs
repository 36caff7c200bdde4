using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;

namespace LeadPlatform.Disposition;

/// <summary>A raw value and what it means in the common vocabulary (null when no mapping covers it).</summary>
public sealed record Normalized(string Raw, string? Value)
{
    public bool Mapped => Value is not null;
}

/// <summary>
/// Maps one integration's raw statuses and activity types: its own <c>settings.statusMap</c> /
/// <c>settings.activityMap</c> first, then its dealer provider's vocabulary (ADF integrations), then its CRM's defaults.
/// </summary>
public sealed class Normalizer
{
    private readonly IReadOnlyDictionary<string, string> _statuses;
    private readonly IReadOnlyDictionary<string, string> _activities;

    public Normalizer(string provider, IReadOnlyDictionary<string, string>? statusMap = null, IReadOnlyDictionary<string, string>? activityMap = null,
        DealerProvider? dealerProvider = null)
    {
        _statuses = WithOverrides(WithOverrides(DefaultMappings.StatusesFor(provider), dealerProvider?.Statuses, Vocabulary.Status), statusMap, Vocabulary.Status);
        _activities = WithOverrides(WithOverrides(DefaultMappings.ActivitiesFor(provider), dealerProvider?.Activities, Vocabulary.Activity), activityMap, Vocabulary.Activity);
    }

    public static Normalizer For(Integration integration, DealerProvider? dealerProvider = null)
    {
        var settings = integration.SettingsAs<MappingSettings>();
        return new Normalizer(integration.Crm, settings.StatusMap, settings.ActivityMap, dealerProvider);
    }

    public Normalized Status(string raw) => new(raw, _statuses.GetValueOrDefault(Vocabulary.Key(raw)));

    public Normalized Activity(string raw) => new(raw, _activities.GetValueOrDefault(Vocabulary.Key(raw)));

    private static Dictionary<string, string> WithOverrides(
        IReadOnlyDictionary<string, string> defaults, IReadOnlyDictionary<string, string>? overrides, Func<string, string?> canonical)
    {
        var merged = new Dictionary<string, string>(defaults);
        foreach (var (raw, value) in overrides ?? new Dictionary<string, string>())
        {
            // An override naming something outside the vocabulary is ignored rather than spreading a typo.
            if (canonical(value) is { } known)
            {
                merged[Vocabulary.Key(raw)] = known;
            }
        }
        return merged;
    }

    private sealed class MappingSettings
    {
        public Dictionary<string, string>? StatusMap { get; init; }
        public Dictionary<string, string>? ActivityMap { get; init; }
    }
}
