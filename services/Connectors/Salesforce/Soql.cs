using System.Text;

namespace LeadPlatform.Connectors.Salesforce;

/// <summary>The SOQL the connector runs; every value quoted with Salesforce's escape sequences.</summary>
public static class Soql
{
    public static string ExistingLead(string email) =>
        $"SELECT Id, OwnerId FROM Lead WHERE Email = {Quote(email)} AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1";

    public static string ExistingContact(string email) =>
        $"SELECT Id, OwnerId FROM Contact WHERE Email = {Quote(email)} ORDER BY CreatedDate ASC LIMIT 1";

    /// <summary>A string literal: quotes, backslashes and control characters escaped as the SOQL reference lists them.</summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '\'' => "\\'",
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                _ => c.ToString(),
            });
        }
        return quoted.Append('\'').ToString();
    }
}
