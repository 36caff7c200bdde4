using LeadPlatform.Contracts;

namespace Acme.Connector;

/// <summary>A contact as the Acme API takes it. <see cref="ExternalId"/> (the lead id) finds it again after a time-out.</summary>
public sealed record AcmeContact(string ExternalId, string? FirstName, string? LastName, string? Email, string? Phone, string? Notes)
{
    /// <summary>The person the CRM can reach: the prospect, or whoever asked on their behalf.</summary>
    public static AcmeContact From(Guid leadId, Lead lead)
    {
        var reachable = lead.Prospect.Email is not null || lead.Prospect.Phone is not null || lead.Contact is null;
        return new AcmeContact(
            leadId.ToString("N"),
            lead.Prospect.FirstName,
            lead.Prospect.LastName,
            reachable ? lead.Prospect.Email : lead.Contact!.Email,
            reachable ? lead.Prospect.Phone : lead.Contact!.Phone,
            lead.Contact is { } asker ? $"Submitted by {asker.FirstName} {asker.LastName} ({asker.Relationship})" : lead.Comments);
    }
}
