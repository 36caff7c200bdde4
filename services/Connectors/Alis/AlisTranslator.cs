using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors.Alis;

/// <summary>
/// The canonical lead in ALIS's terms. Always a Prospect; a survey taken on someone's behalf adds a Main Contact
/// (the survey-taker, with the relationship). The survey-taker's names go on the record that is theirs (the
/// Prospect for a self-assessor, the Main Contact otherwise); email and phone on both, so the community can reach
/// whoever asked. The survey lands in the prospect's Notes custom fields.
/// </summary>
public static class AlisTranslator
{
    public static AlisPlan Translate(Guid leadId, Lead lead, AlisSettings settings)
    {
        var contact = lead.Contact;
        var prospect = new AlisProspect
        {
            CommunityId = settings.CommunityId,
            FirstName = lead.Prospect.FirstName,
            LastName = lead.Prospect.LastName,
            Email = lead.Prospect.Email ?? contact?.Email,
            Phone = lead.Prospect.Phone ?? contact?.Phone,
            Source = Source(lead, settings),
            ReferenceId = $"lp:{leadId:N}:prospect",
            Notes = Notes(lead),
        };
        var mainContact = contact is null ? null : new AlisContact
        {
            FirstName = contact.FirstName,
            LastName = contact.LastName ?? "Unknown",
            Email = contact.Email ?? lead.Prospect.Email,
            Phone = contact.Phone ?? lead.Prospect.Phone,
            Relationship = RelationshipMatcher.Match(contact.Relationship, settings.RelationshipTypes, settings.Fallback()),
            RelationshipRaw = contact.Relationship,
            ReferenceId = $"lp:{leadId:N}:contact",
        };
        return new AlisPlan(prospect, mainContact);
    }

    /// <summary>The integration's override, else the source's configured display name ("Roobrik").</summary>
    public static string Source(Lead lead, AlisSettings settings) =>
        !string.IsNullOrWhiteSpace(settings.Source) ? settings.Source : SourceDisplayName.Of(lead);

    private static AlisNotes? Notes(Lead lead)
    {
        var fields = new Dictionary<string, string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                fields[name] = value;
            }
        }
        Add("Survey Outcome", lead.Survey?.Outcome);
        Add("Report Text", lead.Survey?.ReportText);
        Add("Report URL", lead.Survey?.ReportUrl);
        Add("Notes", lead.Survey?.Notes ?? lead.Comments);
        Add("Contact Preference", lead.Survey?.ContactPreference);
        return fields.Count == 0 ? null : new AlisNotes { CustomFields = fields };
    }
}
