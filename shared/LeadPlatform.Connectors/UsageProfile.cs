using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors;

/// <summary>
/// The lead-distribution usage profile of an integration (its <c>usageProfile</c> settings), for CRMs that
/// support it: what a lead is recorded as, what an update of an existing record may change, whether custom
/// fields go into the record's notes, and the integration's own canonical/custom field → CRM field mapping.
/// </summary>
public sealed class UsageProfile
{
    /// <summary><see cref="RecordKinds.Lead"/> (default) or <see cref="RecordKinds.Contact"/>.</summary>
    public string RecordAs { get; set; } = RecordKinds.Lead;
    /// <summary>What an update of a record that already exists may change: see <see cref="FieldUpdatePolicies"/>.</summary>
    public string FieldUpdates { get; set; } = FieldUpdatePolicies.ProfileAndSupplier;
    /// <summary>Write every custom field, as <c>name: value</c> lines, into the record's notes/description.</summary>
    public bool CustomFieldsInNotes { get; set; }
    /// <summary>
    /// Canonical field path (<c>prospect.phone</c>, <c>vehicle.make</c>) or custom field (<c>budget</c> or
    /// <c>customFields.budget</c>) → the CRM's field name. Overrides the connector's default for that field.
    /// </summary>
    public Dictionary<string, string> FieldMapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [System.Text.Json.Serialization.JsonIgnore] // computed, not a setting
    public bool RecordsContacts => string.Equals(RecordAs, RecordKinds.Contact, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether an update of an existing record may write a field of <paramref name="kind"/>.</summary>
    public bool MayUpdate(FieldKind kind) => (FieldUpdates.ToLowerInvariant(), kind) switch
    {
        (FieldUpdatePolicies.ProfileAndSupplier, FieldKind.Profile or FieldKind.Supplier) => true,
        (FieldUpdatePolicies.SupplierOnly, FieldKind.Supplier) => true,
        _ => false,
    };

    /// <summary>
    /// The CRM fields of a lead: the connector's default mapping of canonical fields, overridden and extended by
    /// the integration's mapping; each marked profile (name, email, address, phone) or supplier (everything else
    /// the mapping carries, e.g. custom fields). Empty values are left out.
    /// </summary>
    public IReadOnlyList<CrmField> MapFields(Lead lead, IReadOnlyDictionary<string, string> defaults)
    {
        var values = CanonicalFields.Of(lead);
        var mapping = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, crmField) in defaults)
        {
            mapping[path] = crmField;
        }
        foreach (var (key, crmField) in FieldMapping)
        {
            mapping[CanonicalFields.Normalize(key)] = crmField;
        }
        var fields = new List<CrmField>();
        foreach (var (path, crmField) in mapping)
        {
            if (values.TryGetValue(path, out var value) && !string.IsNullOrWhiteSpace(crmField))
            {
                fields.Add(new CrmField(crmField, value, CanonicalFields.IsProfile(path) ? FieldKind.Profile : FieldKind.Supplier));
            }
        }
        return fields;
    }

    /// <summary>The lead's comments and, when enabled, its custom fields as <c>name: value</c> lines; null when empty.</summary>
    public string? Notes(Lead lead)
    {
        var lines = new List<string>();
        if (!string.IsNullOrWhiteSpace(lead.Comments))
        {
            lines.Add(lead.Comments.Trim());
        }
        if (CustomFieldsInNotes && lead.CustomFields is { Count: > 0 } custom)
        {
            lines.AddRange(custom.Where(c => !string.IsNullOrWhiteSpace(c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"{c.Key}: {c.Value}"));
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }
}

public static class RecordKinds
{
    public const string Lead = "lead";
    public const string Contact = "contact";
}

public static class FieldUpdatePolicies
{
    public const string None = "none";
    public const string SupplierOnly = "supplier";
    public const string ProfileAndSupplier = "profile-and-supplier";
}

/// <summary>Profile: name, email, address, phone. Supplier: custom fields and what else the supplier sends. Fixed: written on create only.</summary>
public enum FieldKind
{
    Profile,
    Supplier,
    Fixed,
}

/// <summary>One field of a CRM record and what kind of data it holds.</summary>
public sealed record CrmField(string Name, string Value, FieldKind Kind);

/// <summary>The canonical lead as a flat list of field paths (<c>prospect.address.city</c>, <c>customFields.budget</c>).</summary>
public static class CanonicalFields
{
    private static readonly HashSet<string> Profile = new(StringComparer.OrdinalIgnoreCase)
    {
        "prospect.firstName", "prospect.lastName", "prospect.email", "prospect.phone",
        "prospect.address.street", "prospect.address.city", "prospect.address.regionCode",
        "prospect.address.postalCode", "prospect.address.country",
    };

    public static bool IsProfile(string path) => Profile.Contains(path);

    /// <summary>A mapping key without a dot names a custom field.</summary>
    public static string Normalize(string key) => key.Contains('.', StringComparison.Ordinal) ? key : "customFields." + key;

    public static IReadOnlyDictionary<string, string> Of(Lead lead)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string path, object? value)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture);
            if (!string.IsNullOrWhiteSpace(text))
            {
                values[path] = text.Trim();
            }
        }
        var p = lead.Prospect;
        Add("prospect.firstName", p.FirstName);
        Add("prospect.lastName", p.LastName);
        Add("prospect.email", p.Email);
        Add("prospect.phone", p.Phone);
        Add("prospect.address.street", p.Address?.Street);
        Add("prospect.address.city", p.Address?.City);
        Add("prospect.address.regionCode", p.Address?.RegionCode);
        Add("prospect.address.postalCode", p.Address?.PostalCode);
        Add("prospect.address.country", p.Address?.Country);
        Add("contact.firstName", lead.Contact?.FirstName);
        Add("contact.lastName", lead.Contact?.LastName);
        Add("contact.email", lead.Contact?.Email);
        Add("contact.phone", lead.Contact?.Phone);
        Add("contact.relationship", lead.Contact?.Relationship);
        Add("survey.name", lead.Survey?.Name);
        Add("survey.outcome", lead.Survey?.Outcome);
        Add("survey.careLevel", lead.Survey?.CareLevel);
        Add("survey.completedBy", lead.Survey?.CompletedBy);
        Add("survey.contactPreference", lead.Survey?.ContactPreference);
        Add("survey.reportUrl", lead.Survey?.ReportUrl);
        Add("survey.notes", lead.Survey?.Notes);
        Add("vehicle.year", lead.Vehicle?.Year);
        Add("vehicle.make", lead.Vehicle?.Make);
        Add("vehicle.model", lead.Vehicle?.Model);
        Add("vehicle.trim", lead.Vehicle?.Trim);
        Add("vehicle.vin", lead.Vehicle?.Vin);
        Add("vehicle.stock", lead.Vehicle?.Stock);
        Add("vehicle.condition", lead.Vehicle?.Condition);
        Add("vehicle.interest", lead.Vehicle?.Interest);
        Add("interaction.kind", lead.Interaction?.Kind);
        Add("interaction.repEmail", lead.Interaction?.RepEmail);
        Add("source", lead.Source);
        Add("sourceLeadId", lead.SourceLeadId);
        Add("marketSource", lead.MarketSource);
        Add("dealerId", lead.DealerId);
        Add("oemId", lead.OemId);
        Add("comments", lead.Comments);
        foreach (var (name, value) in lead.CustomFields ?? new Dictionary<string, string>())
        {
            Add("customFields." + name, value);
        }
        return values;
    }
}
