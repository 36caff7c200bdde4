using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors.Enquire;

/// <summary>
/// The canonical lead in Enquire's terms. A self-assessor becomes a Prospect; a survey taken on someone's
/// behalf becomes a Contact (with the relationship) linked to a Prospect, the survey data on both.
/// </summary>
public static class EnquireTranslator
{
    public static EnquirePlan Translate(Guid leadId, Lead lead, EnquireSettings settings)
    {
        var marketSource = MarketSource(lead, settings);
        var survey = SurveyData(lead.Survey);
        var prospect = new EnquireIndividual
        {
            IndividualType = "Prospect",
            FirstName = lead.Prospect.FirstName,
            LastName = lead.Prospect.LastName ?? "Unknown",
            Email = lead.Prospect.Email,
            Phone = lead.Prospect.Phone,
            MarketSource = marketSource,
            CommunityId = settings.CommunityId,
            ExternalId = $"lp:{leadId:N}:prospect",
            SurveyData = survey,
        };
        var contact = lead.Contact is not { } c ? null : new EnquireIndividual
        {
            IndividualType = "Contact",
            FirstName = c.FirstName,
            LastName = c.LastName ?? "Unknown",
            Email = c.Email,
            Phone = c.Phone,
            MarketSource = marketSource,
            Relationship = RelationshipMatcher.Match(c.Relationship, settings.RelationshipTypes, settings.RelationshipFallback),
            RelationshipRaw = c.Relationship,
            CommunityId = settings.CommunityId,
            ExternalId = $"lp:{leadId:N}:contact",
            SurveyData = survey,
        };
        // The report area exists whenever the survey says anything (an outcome alone is enough), titled after the survey.
        var report = lead.Survey is not { } s || !HasAnyData(s) ? null : new EnquireReport
        {
            ExternalId = $"lp:{leadId:N}:report",
            Title = s.Name ?? $"{SourceDisplayName.Of(lead)} survey",
            Outcome = s.Outcome,
            CareLevel = s.CareLevel,
            Url = s.ReportUrl,
            Text = s.ReportText,
            TakenAt = lead.OccurredAt,
        };
        return new EnquirePlan(prospect, contact, report);
    }

    /// <summary>Kept when another marketing system set it; else the integration's override; else the source's display name.</summary>
    public static string MarketSource(Lead lead, EnquireSettings settings) =>
        !string.IsNullOrWhiteSpace(lead.MarketSource) ? lead.MarketSource
        : !string.IsNullOrWhiteSpace(settings.MarketSource) ? settings.MarketSource
        : SourceDisplayName.Of(lead);

    private static bool HasAnyData(Survey survey) =>
        new[] { survey.Name, survey.Outcome, survey.CareLevel, survey.CompletedBy, survey.ContactPreference, survey.ReportUrl, survey.ReportText, survey.Notes }
            .Any(v => !string.IsNullOrWhiteSpace(v));

    private static Dictionary<string, string>? SurveyData(Survey? survey)
    {
        if (survey is null)
        {
            return null;
        }
        var data = new Dictionary<string, string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                data[key] = value;
            }
        }
        Add("surveyName", survey.Name);
        Add("outcome", survey.Outcome);
        Add("careLevel", survey.CareLevel);
        Add("completedBy", survey.CompletedBy);
        Add("contactPreference", survey.ContactPreference);
        Add("reportUrl", survey.ReportUrl);
        Add("notes", survey.Notes);
        return data;
    }
}
