using System.Globalization;

namespace LeadPlatform.Disposition.Salesforce;

/// <summary>
/// A Salesforce Opportunity as a disposition event, the same whether it was pushed (outbound message) or polled (SOQL):
/// it finds its lead by <c>ContactId</c> (the Contact the platform delivered) or, failing that, by its contact's email
/// (<c>Contact.Email</c> when polled; an outbound message cannot carry a related field, so there it is the formula
/// field <see cref="EmailFormulaField"/> an org adds to Opportunity). Both channels give the same event id for the
/// same state of the same opportunity, so an update arriving both ways is applied once.
/// </summary>
public static class SalesforceOpportunities
{
    public const string EmailFormulaField = "Contact_Email__c";
    public const string PollFields = "Id, StageName, Amount, CloseDate, ContactId, Contact.Email, SystemModstamp";

    public static CrmChange? Change(Func<string, string?> field, string? contactEmail, DateTimeOffset? modifiedAt)
    {
        if (field("Id") is not { } id || modifiedAt is not { } at)
        {
            return null;
        }
        var contactId = field("ContactId");
        if (contactId is null && contactEmail is null)
        {
            return null;
        }
        var amount = decimal.TryParse(field("Amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : (decimal?)null;
        var closeDate = DateOnly.TryParseExact(field("CloseDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : (DateOnly?)null;
        return new CrmChange(new DispositionEvent
        {
            EventId = $"salesforce-opportunity:{id}:{at.ToUnixTimeMilliseconds()}",
            RecordId = contactId,
            ContactEmail = contactEmail,
            Opportunity = new OpportunityInput(field("StageName"), amount, closeDate, id),
            OccurredAt = at,
        });
    }
}
