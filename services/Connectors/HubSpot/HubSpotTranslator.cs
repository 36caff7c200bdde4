using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors.HubSpot;

/// <summary>A HubSpot contact's properties, each marked profile, supplier or fixed (create only).</summary>
public sealed record HubSpotContact(IReadOnlyList<CrmField> Properties)
{
    public Dictionary<string, string> ForCreate() => Properties.ToDictionary(p => p.Name, p => p.Value);

    /// <summary>What the field-update policy lets an update change; lead status and lifecycle stage are never moved.</summary>
    public Dictionary<string, string> ForUpdate(UsageProfile profile) =>
        Properties.Where(p => profile.MayUpdate(p.Kind)).ToDictionary(p => p.Name, p => p.Value);
}

/// <summary>
/// The canonical lead as a HubSpot contact (HubSpot's Leads object hangs off a contact, so both usage-profile
/// choices write a contact; <c>recordAs: lead</c> makes its lifecycle stage <c>lead</c> unless configured).
/// </summary>
public static class HubSpotTranslator
{
    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["prospect.firstName"] = "firstname",
        ["prospect.lastName"] = "lastname",
        ["prospect.email"] = "email",
        ["prospect.phone"] = "phone",
        ["prospect.address.street"] = "address",
        ["prospect.address.city"] = "city",
        ["prospect.address.regionCode"] = "state",
        ["prospect.address.postalCode"] = "zip",
        ["prospect.address.country"] = "country",
    };

    public static HubSpotContact Translate(Lead lead, HubSpotSettings settings)
    {
        var profile = settings.UsageProfile;
        var properties = new Dictionary<string, CrmField>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in profile.MapFields(lead, Defaults))
        {
            properties[field.Name] = field;
        }
        if (profile.Notes(lead) is { } notes && !string.IsNullOrWhiteSpace(settings.NotesProperty) && !properties.ContainsKey(settings.NotesProperty))
        {
            properties[settings.NotesProperty] = new CrmField(settings.NotesProperty, notes, FieldKind.Supplier);
        }
        void Fixed(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value) && !properties.ContainsKey(name))
            {
                properties[name] = new CrmField(name, value, FieldKind.Fixed);
            }
        }
        // On someone's behalf, with no way to reach the prospect: the submitter is who the CRM can reach.
        Fixed("email", Reachable.SubmitterEmail(lead));
        Fixed("phone", Reachable.SubmitterPhone(lead));
        Fixed("hs_lead_status", settings.LeadStatus);
        Fixed("lifecyclestage", settings.LifecycleStage ?? (profile.RecordsContacts ? null : "lead"));
        Fixed("hubspot_owner_id", lead.OwnerId);
        return new HubSpotContact(properties.Values.ToList());
    }
}
