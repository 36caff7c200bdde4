namespace LeadPlatform.Disposition;

/// <summary>The common disposition vocabulary every provider's raw values map onto.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Statuses = ["Pending", "Viewed", "Assigned", "Working", "Sold", "Lost", "Abandoned"];
    public static readonly IReadOnlyList<string> Activities = ["PhoneCall", "Sms", "Email", "Appointment", "Quote", "Note"];

    /// <summary>The canonical spelling of a status, or null when it is not one.</summary>
    public static string? Status(string value) => Statuses.FirstOrDefault(s => Key(s) == Key(value));

    public static string? Activity(string value) => Activities.FirstOrDefault(a => Key(a) == Key(value));

    /// <summary>Case- and punctuation-tolerant key: "Closed - Not Converted" and "closed_not_converted" match.</summary>
    public static string Key(string raw) =>
        new(raw.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}
