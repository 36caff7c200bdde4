using System.Globalization;
using System.Net;
using System.Text;
using LeadPlatform.Contracts;
using MimeKit;

namespace LeadPlatform.Notifications;

/// <summary>The lead-notification email: the lead's summary and where it went, as plain text and HTML alternatives.</summary>
public static class LeadNotificationEmail
{
    public static MimeMessage Create(LeadConverted converted, LeadDelivered delivered)
    {
        var rows = Summary(converted, delivered);
        var prospectName = Join(" ", converted.Lead.Prospect.FirstName, converted.Lead.Prospect.LastName);
        var body = new BodyBuilder { TextBody = Text(rows), HtmlBody = Html(prospectName, rows) };
        return new MimeMessage
        {
            MessageId = $"notify.{delivered.LeadId:N}.{Safe(delivered.IntegrationId)}@leadplatform",
            Subject = $"New lead: {prospectName} (delivered to {delivered.Crm})",
            Date = delivered.DeliveredAt,
            Body = body.ToMessageBody(),
        };
    }

    /// <summary>Label and value pairs; empty values are left out.</summary>
    public static IReadOnlyList<(string Label, string Value)> Summary(LeadConverted converted, LeadDelivered delivered)
    {
        var lead = converted.Lead;
        var rows = new List<(string, string)>();
        void Add(string label, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                rows.Add((label, value.Trim()));
            }
        }

        Add("Prospect", Join(" ", lead.Prospect.FirstName, lead.Prospect.LastName));
        Add("Email", lead.Prospect.Email);
        Add("Phone", lead.Prospect.Phone);
        if (lead.Prospect.Address is { } a)
        {
            Add("Address", Join(", ", a.Street, a.City, Join(" ", a.RegionCode, a.PostalCode), a.Country));
        }
        if (lead.Contact is { } c)
        {
            Add("Submitted on behalf by", Join(", ", Join(" ", c.FirstName, c.LastName), c.Relationship, c.Email, c.Phone));
        }
        if (lead.Vehicle is { } v)
        {
            Add("Vehicle", Join(" ", v.Year?.ToString(CultureInfo.InvariantCulture), v.Make, v.Model, v.Trim)
                + (Join(", ", v.Condition, v.Interest) is { Length: > 0 } how ? $" ({how})" : ""));
            Add("VIN", v.Vin);
            Add("Stock", v.Stock);
        }
        if (lead.Survey is { } s)
        {
            Add("Survey", Join(": ", s.Name, s.Outcome));
            Add("Care level", s.CareLevel);
            Add("Contact preference", s.ContactPreference);
            Add("Report", s.ReportUrl);
            Add("Survey notes", s.Notes);
        }
        if (lead.Interaction is { } i)
        {
            Add("Interaction", Join(" with ", i.Kind, i.RepEmail));
        }
        foreach (var (name, value) in (lead.CustomFields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Add(name, value);
        }
        Add("Comments", lead.Comments);
        Add("Delivered to", $"{delivered.Crm} (integration {delivered.IntegrationId}), {delivered.Outcome}, "
            + delivered.DeliveredAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        Add("CRM record ids", string.Join(", ", delivered.RecordIds.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}")));
        Add("Lead", $"{delivered.LeadId} from {lead.Source} ({lead.SourceLeadId})");
        return rows;
    }

    private static string Text(IReadOnlyList<(string Label, string Value)> rows)
    {
        var text = new StringBuilder("A new lead was delivered.\n\n");
        foreach (var (label, value) in rows)
        {
            text.Append(label).Append(": ").Append(value).Append('\n');
        }
        return text.ToString();
    }

    private static string Html(string prospectName, IReadOnlyList<(string Label, string Value)> rows)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body><h2>New lead: ")
            .Append(WebUtility.HtmlEncode(prospectName)).Append("</h2><table>");
        foreach (var (label, value) in rows)
        {
            html.Append("<tr><th align=\"left\">").Append(WebUtility.HtmlEncode(label)).Append("</th><td>")
                .Append(WebUtility.HtmlEncode(value).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</td></tr>");
        }
        return html.Append("</table></body></html>").ToString();
    }

    private static string Join(string separator, params string?[] parts) =>
        string.Join(separator, parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));

    private static string Safe(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray());
}
