namespace LeadPlatform.Disposition.Salesforce;

/// <summary>
/// How Salesforce records read as dispositions, whichever channel brought them (outbound message or SOQL poll),
/// with the same event ids so a record arriving by both is applied once.
/// </summary>
public static class SalesforceActivities
{
    /// <summary>The Lead field that holds the status; Contacts have none unless the org adds one (<c>settings.contactStatusField</c>).</summary>
    public const string LeadStatusField = "Status";

    /// <summary>A Task's kind: its TaskSubtype (Call, Email, Task, ListEmail…), else its Type.</summary>
    public static string TaskType(Func<string, string?> field) => field("TaskSubtype") ?? field("Type") ?? "Task";

    public static string TaskEventId(string id) => $"salesforce-task:{id}";

    public static string EventEventId(string id) => $"salesforce-event:{id}";

    public static string? Details(Func<string, string?> field) => field("Subject");
}
