using System.Net.Mail;
using LeadPlatform.Contracts;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>What a lead must carry to be accepted; errors keyed by the JSON path of the field.</summary>
public static class LeadValidator
{
    internal const int MaxText = 500;
    /// <summary>Source and source lead id together must fit one btree index entry (2,704 bytes) in any script.</summary>
    private const int MaxSource = 100;
    private const int MaxVehicles = 20;

    public static Dictionary<string, string[]> Validate(Lead lead)
    {
        var errors = new Dictionary<string, string[]>();
        LeadText.Validate(errors, lead);
        Required(errors, "source", lead.Source);
        Required(errors, "sourceLeadId", lead.SourceLeadId);
        Required(errors, "accountId", lead.AccountId);
        Required(errors, "conversion", lead.Conversion);
        if (lead.Prospect is null)
        {
            // Explicit JSON null: the record's default does not apply.
            errors["prospect"] = ["is required"];
            return errors;
        }
        Required(errors, "prospect.lastName", lead.Prospect.LastName);
        Email(errors, "prospect.email", lead.Prospect.Email);
        if (lead.Contact is { } contact)
        {
            Required(errors, "contact.lastName", contact.LastName);
            Email(errors, "contact.email", contact.Email);
        }
        if (lead.Source is { Length: > MaxSource })
        {
            errors.TryAdd("source", [$"is longer than {MaxSource} characters"]);
        }
        // Every text field, as docs/ingestion.md and lead.schema.json say.
        foreach (var (field, value, _) in LeadText.Fields(lead))
        {
            Length(errors, field, value);
        }
        Phone(errors, "prospect.phone", lead.Prospect.Phone);
        Phone(errors, "contact.phone", lead.Contact?.Phone);
        // Absolute on Linux includes "/reports/1" (a file path): only a web address a CRM user can open.
        if (lead.Survey?.ReportUrl is { } url
            && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && url.Contains("://", StringComparison.Ordinal)))
        {
            errors["survey.reportUrl"] = ["must be an absolute http(s) URL"];
        }
        if (lead.OccurredAt is { } at && at > DateTimeOffset.UtcNow.AddDays(1))
        {
            errors["occurredAt"] = ["is in the future"];
        }
        if (lead.Vehicles is { Count: > MaxVehicles })
        {
            errors["vehicles"] = [$"names more than {MaxVehicles} vehicles"];
        }
        if (lead.Interaction?.Kind is { } kind && kind is not ("chat" or "meeting" or "experience" or "form"))
        {
            errors["interaction.kind"] = ["must be one of chat, meeting, experience, form"];
        }
        return errors;
    }

    private static void Required(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["is required"];
        }
    }

    private static void Email(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && (!MailAddress.TryCreate(value, out var parsed) || parsed.Address != value.Trim() || !parsed.Host.Contains('.', StringComparison.Ordinal)))
        {
            errors[field] = ["is not a valid email address"];
        }
    }

    private static void Phone(Dictionary<string, string[]> errors, string field, string? phone)
    {
        if (phone is not null && !string.IsNullOrWhiteSpace(phone) && phone.Count(char.IsDigit) < 7)
        {
            errors.TryAdd(field, ["must contain at least 7 digits"]);
        }
    }

    private static void Length(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (value is { Length: > MaxText })
        {
            errors.TryAdd(field, [$"is longer than {MaxText} characters"]);
        }
    }
}
