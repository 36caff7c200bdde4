using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors.Salesforce;

/// <summary>A Lead or Contact as Salesforce takes it: its fields, each marked profile, supplier or fixed (create only).</summary>
public sealed record SalesforceRecord(string SObject, IReadOnlyList<CrmField> Fields)
{
    public Dictionary<string, string> ForCreate() => Fields.ToDictionary(f => f.Name, f => f.Value);

    /// <summary>Only what the field-update policy lets an update of an existing record change; never the owner.</summary>
    public Dictionary<string, string> ForUpdate(UsageProfile profile) =>
        Fields.Where(f => profile.MayUpdate(f.Kind)).ToDictionary(f => f.Name, f => f.Value);
}

/// <summary>
/// The canonical lead in Salesforce's terms. Required fields: LastName is the prospect's last name, else
/// <see cref="NotProvided"/>; a Lead's Company is the mapped company, else the integration's <c>company</c>
/// setting, else <see cref="NotProvided"/> (what Salesforce's own Web-to-Lead does).
/// </summary>
public static class SalesforceTranslator
{
    public const string Lead = "Lead";
    public const string Contact = "Contact";
    public const string NotProvided = "[not provided]";

    private static readonly Dictionary<string, string> LeadFields = new()
    {
        ["prospect.firstName"] = "FirstName",
        ["prospect.lastName"] = "LastName",
        ["prospect.email"] = "Email",
        ["prospect.phone"] = "Phone",
        ["prospect.address.street"] = "Street",
        ["prospect.address.city"] = "City",
        ["prospect.address.regionCode"] = "State",
        ["prospect.address.postalCode"] = "PostalCode",
        ["prospect.address.country"] = "Country",
    };

    private static readonly Dictionary<string, string> ContactFields = new()
    {
        ["prospect.firstName"] = "FirstName",
        ["prospect.lastName"] = "LastName",
        ["prospect.email"] = "Email",
        ["prospect.phone"] = "Phone",
        ["prospect.address.street"] = "MailingStreet",
        ["prospect.address.city"] = "MailingCity",
        ["prospect.address.regionCode"] = "MailingState",
        ["prospect.address.postalCode"] = "MailingPostalCode",
        ["prospect.address.country"] = "MailingCountry",
    };

    /// <summary>The lead as a record of <paramref name="sobject"/> (<see cref="Lead"/> or <see cref="Contact"/>).</summary>
    public static SalesforceRecord Translate(Lead lead, SalesforceSettings settings, string sobject)
    {
        var profile = settings.UsageProfile;
        var fields = new Dictionary<string, CrmField>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in profile.MapFields(lead, sobject == Contact ? ContactFields : LeadFields))
        {
            fields[field.Name] = field;
        }
        void Fixed(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value) && !fields.ContainsKey(name))
            {
                fields[name] = new CrmField(name, value, FieldKind.Fixed);
            }
        }
        if (profile.Notes(lead) is { } notes && !fields.ContainsKey("Description"))
        {
            fields["Description"] = new CrmField("Description", notes, FieldKind.Supplier);
        }
        // On someone's behalf, with no way to reach the prospect: the submitter is who the CRM can reach.
        Fixed("Email", Reachable.SubmitterEmail(lead));
        Fixed("Phone", Reachable.SubmitterPhone(lead));
        Fixed("LastName", NotProvided);
        if (sobject == Lead)
        {
            Fixed("Company", settings.Company ?? NotProvided);
        }
        else
        {
            Fixed("AccountId", settings.AccountId);
        }
        Fixed("LeadSource", settings.LeadSource ?? SourceDisplayName.Of(lead));
        Fixed("OwnerId", Owner(lead, settings));
        return new SalesforceRecord(sobject, fields.Values.ToList());
    }

    /// <summary>
    /// Owner of a new record: the lead's explicit owner id; else the rep the visitor chatted with or booked a
    /// meeting with, when that rep has an individual connection; else the team connection's user; else none
    /// (Salesforce makes the API user the owner).
    /// </summary>
    public static string? Owner(Lead lead, SalesforceSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(lead.OwnerId))
        {
            return lead.OwnerId;
        }
        if (lead.Interaction is { Kind: "chat" or "meeting", RepEmail: { } rep }
            && settings.RepUserIds.FirstOrDefault(r => string.Equals(r.Key, rep.Trim(), StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } repUser)
        {
            return repUser;
        }
        return string.IsNullOrWhiteSpace(settings.TeamUserId) ? null : settings.TeamUserId;
    }
}
