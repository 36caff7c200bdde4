namespace LeadPlatform.Disposition;

/// <summary>
/// The raw statuses and activity types of the CRMs we ship, mapped onto the common vocabulary. Keys are
/// written as the CRM spells them; lookups go through <see cref="Vocabulary.Key"/>.
/// </summary>
public static class DefaultMappings
{
    /// <summary>Values any provider may send (a CRM configured to speak our vocabulary, or plain English).</summary>
    private static readonly Dictionary<string, string> CommonStatuses = new()
    {
        ["Pending"] = "Pending", ["New"] = "Pending", ["Viewed"] = "Viewed", ["Opened"] = "Viewed", ["Read"] = "Viewed",
        ["Assigned"] = "Assigned", ["Working"] = "Working", ["In Progress"] = "Working", ["Contacted"] = "Working",
        ["Sold"] = "Sold", ["Won"] = "Sold", ["Lost"] = "Lost", ["Abandoned"] = "Abandoned",
    };

    private static readonly Dictionary<string, string> CommonActivities = new()
    {
        ["Phone Call"] = "PhoneCall", ["Call"] = "PhoneCall", ["Inbound Call"] = "PhoneCall",
        ["Outbound Call"] = "PhoneCall", ["Logged Call"] = "PhoneCall", ["Sms"] = "Sms", ["Text"] = "Sms",
        ["Text Message"] = "Sms", ["Email"] = "Email", ["Email Sent"] = "Email",
        ["Appointment"] = "Appointment", ["Meeting"] = "Appointment", ["Quote"] = "Quote", ["Note"] = "Note",
        ["Comment"] = "Note",
    };

    private static readonly Dictionary<string, Dictionary<string, string>> Statuses = new()
    {
        // Salesforce's default Lead Status picklist.
        ["salesforce"] = new()
        {
            ["Open - Not Contacted"] = "Pending", ["Working - Contacted"] = "Working",
            ["Closed - Converted"] = "Sold", ["Closed - Not Converted"] = "Lost",
        },
        // HubSpot's hs_lead_status values.
        ["hubspot"] = new()
        {
            ["NEW"] = "Pending", ["OPEN"] = "Assigned", ["IN_PROGRESS"] = "Working", ["OPEN_DEAL"] = "Working",
            ["UNQUALIFIED"] = "Lost", ["ATTEMPTED_TO_CONTACT"] = "Working", ["CONNECTED"] = "Working",
            ["BAD_TIMING"] = "Abandoned",
            // lifecyclestage values, sent by webhooks subscribed to that property.
            ["subscriber"] = "Pending", ["lead"] = "Pending", ["marketingqualifiedlead"] = "Pending",
            ["salesqualifiedlead"] = "Assigned", ["opportunity"] = "Working", ["customer"] = "Sold", ["evangelist"] = "Sold",
        },
        // Senior living sales stages.
        ["enquire"] = new()
        {
            ["Inquiry"] = "Pending", ["Lead"] = "Pending", ["Prospect"] = "Pending", ["Tour Scheduled"] = "Working",
            ["Toured"] = "Working", ["Deposit"] = "Working", ["Move-In"] = "Sold", ["Moved In"] = "Sold",
            ["Closed Lost"] = "Lost", ["Moved Elsewhere"] = "Lost", ["Inactive"] = "Abandoned", ["No Contact"] = "Abandoned",
        },
        ["alis"] = new()
        {
            ["Prospect"] = "Pending", ["Active"] = "Working", ["Tour"] = "Working", ["Deposit"] = "Working",
            ["Resident"] = "Sold", ["Moved In"] = "Sold", ["Move-In"] = "Sold", ["Lost"] = "Lost",
            ["Inactive"] = "Abandoned",
        },
        // Common dealer CRM lead statuses (what ADF-fed dealer systems report).
        ["adf"] = new()
        {
            ["Working Sales"] = "Working", ["Active"] = "Working", ["Appointment Set"] = "Working",
            ["Showroom Visit"] = "Working", ["Bought Elsewhere"] = "Lost", ["Not Interested"] = "Lost",
            ["Purchased Elsewhere"] = "Lost", ["Bad Number"] = "Abandoned", ["Bad Email"] = "Abandoned",
            ["No Response"] = "Abandoned", ["Unresponsive"] = "Abandoned", ["Delivered"] = "Sold",
            ["Sold Delivered"] = "Sold", ["Sold - Not Delivered"] = "Sold", ["Unassigned"] = "Pending",
        },
    };

    private static readonly Dictionary<string, Dictionary<string, string>> Activities = new()
    {
        // Salesforce Task subtypes and Event.
        ["salesforce"] = new() { ["Task"] = "Note", ["Event"] = "Appointment", ["ListEmail"] = "Email" },
        // HubSpot engagement types.
        ["hubspot"] = new()
        {
            ["CALL"] = "PhoneCall", ["EMAIL"] = "Email", ["INCOMING_EMAIL"] = "Email", ["FORWARDED_EMAIL"] = "Email",
            ["MEETING"] = "Appointment", ["NOTE"] = "Note", ["TASK"] = "Note", ["SMS"] = "Sms", ["WHATS_APP"] = "Sms",
        },
        ["enquire"] = new() { ["Tour"] = "Appointment", ["Visit"] = "Appointment", ["Home Visit"] = "Appointment", ["Letter"] = "Note" },
        ["alis"] = new() { ["Tour"] = "Appointment", ["Visit"] = "Appointment" },
        ["adf"] = new()
        {
            ["Test Drive"] = "Appointment", ["Showroom Visit"] = "Appointment", ["Quote Sent"] = "Quote",
            ["Price Quote"] = "Quote", ["Proposal"] = "Quote", ["Text Sent"] = "Sms", ["Voicemail"] = "PhoneCall",
            ["Left Message"] = "PhoneCall",
        },
    };

    /// <summary>"dealer" is the ADF-fed dealer systems' provider under another name.</summary>
    public static string ProviderKey(string provider) =>
        provider.Equals("dealer", StringComparison.OrdinalIgnoreCase) ? "adf" : provider.ToLowerInvariant();

    public static IReadOnlyDictionary<string, string> StatusesFor(string provider) => Merge(CommonStatuses, Statuses, provider);

    public static IReadOnlyDictionary<string, string> ActivitiesFor(string provider) => Merge(CommonActivities, Activities, provider);

    private static Dictionary<string, string> Merge(
        Dictionary<string, string> common, Dictionary<string, Dictionary<string, string>> perProvider, string provider)
    {
        var merged = common.ToDictionary(p => Vocabulary.Key(p.Key), p => p.Value);
        foreach (var (raw, value) in perProvider.GetValueOrDefault(ProviderKey(provider)) ?? [])
        {
            merged[Vocabulary.Key(raw)] = value;
        }
        return merged;
    }
}
