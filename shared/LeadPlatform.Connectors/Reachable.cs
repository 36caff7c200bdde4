using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors;

/// <summary>
/// How a CRM that records one person per lead (Salesforce, HubSpot) reaches it: the prospect's email and phone, or,
/// for a lead submitted on someone's behalf whose prospect left none, the submitter's (<see cref="Lead.Contact"/>), so
/// the person who asked is on record and the record can be found again by that email.
/// </summary>
public static class Reachable
{
    /// <summary>The email to look the record up by and to write on it.</summary>
    public static string? Email(Lead lead) => Given(lead.Prospect.Email) ?? Given(lead.Contact?.Email);

    /// <summary>The submitter's email when the prospect has none (null otherwise: the prospect's own is mapped as usual).</summary>
    public static string? SubmitterEmail(Lead lead) => Given(lead.Prospect.Email) is null ? Given(lead.Contact?.Email) : null;

    /// <summary>The submitter's phone when the prospect has none.</summary>
    public static string? SubmitterPhone(Lead lead) => Given(lead.Prospect.Phone) is null ? Given(lead.Contact?.Phone) : null;

    private static string? Given(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
