using System.Globalization;
using LeadPlatform.Contracts;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>
/// Refuses text PostgreSQL can't store or that no one should: control characters (NUL and the rest of C0/C1; tab, CR and
/// LF only in fields that are not identifiers) and unpaired UTF-16 surrogates. Checked before anything is stored, so a
/// bad field answers 400 naming it instead of failing the statement (and, before group commits isolated rows, every
/// other lead in it).
/// </summary>
public static class LeadText
{
    /// <summary>Adds an error per offending field, keyed by its JSON path.</summary>
    public static void Validate(Dictionary<string, string[]> errors, Lead lead)
    {
        foreach (var (field, value, identifier) in Fields(lead))
        {
            if (Problem(value, identifier) is { } problem)
            {
                errors.TryAdd(field, [problem]);
            }
        }
    }

    /// <summary>What is wrong with one text value, or null when it may be stored.</summary>
    public static string? Problem(string? value, bool identifier)
    {
        if (value is null)
        {
            return null;
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && (identifier || c is not ('\t' or '\r' or '\n')))
            {
                return $"must not contain control characters (U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)} at {i})";
            }
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"is not valid Unicode text (an unpaired surrogate at {i})";
            }
        }
        return null;
    }

    /// <summary>Every text field of the lead with its JSON path, and whether it is an identifier.</summary>
    public static IEnumerable<(string Field, string? Value, bool Identifier)> Fields(Lead lead)
    {
        yield return ("source", lead.Source, true);
        yield return ("sourceLeadId", lead.SourceLeadId, true);
        yield return ("accountId", lead.AccountId, true);
        yield return ("conversion", lead.Conversion, true);
        yield return ("ownerId", lead.OwnerId, true);
        yield return ("marketSource", lead.MarketSource, false);
        yield return ("dealerId", lead.DealerId, true);
        yield return ("oemId", lead.OemId, true);
        yield return ("comments", lead.Comments, false);
        foreach (var (i, program) in (lead.Programs ?? []).Index())
        {
            yield return ($"programs[{i}]", program, true);
        }
        foreach (var (key, value) in lead.CustomFields ?? new Dictionary<string, string>())
        {
            // The key names the field; a key that is itself bad is reported under customFields.
            var keyProblem = Problem(key, identifier: true) is not null;
            yield return ("customFields", key, true);
            yield return (keyProblem ? "customFields" : $"customFields.{key}", value, false);
        }
        foreach (var field in Person("prospect", lead.Prospect))
        {
            yield return field;
        }
        if (lead.Contact is { } contact)
        {
            yield return ("contact.firstName", contact.FirstName, false);
            yield return ("contact.lastName", contact.LastName, false);
            yield return ("contact.email", contact.Email, true);
            yield return ("contact.phone", contact.Phone, false);
            yield return ("contact.relationship", contact.Relationship, false);
        }
        if (lead.Survey is { } survey)
        {
            yield return ("survey.name", survey.Name, false);
            yield return ("survey.outcome", survey.Outcome, false);
            yield return ("survey.careLevel", survey.CareLevel, false);
            yield return ("survey.completedBy", survey.CompletedBy, false);
            yield return ("survey.contactPreference", survey.ContactPreference, false);
            yield return ("survey.reportUrl", survey.ReportUrl, true);
            yield return ("survey.reportText", survey.ReportText, false);
            yield return ("survey.notes", survey.Notes, false);
        }
        if (lead.Interaction is { } interaction)
        {
            yield return ("interaction.kind", interaction.Kind, true);
            yield return ("interaction.repEmail", interaction.RepEmail, true);
        }
        if (lead.Vehicle is { } vehicle)
        {
            yield return ("vehicle.make", vehicle.Make, false);
            yield return ("vehicle.model", vehicle.Model, false);
            yield return ("vehicle.trim", vehicle.Trim, false);
            yield return ("vehicle.vin", vehicle.Vin, true);
            yield return ("vehicle.stock", vehicle.Stock, true);
            yield return ("vehicle.condition", vehicle.Condition, true);
            yield return ("vehicle.interest", vehicle.Interest, true);
        }
    }

    private static IEnumerable<(string, string?, bool)> Person(string prefix, Person? person)
    {
        if (person is null)
        {
            yield break;
        }
        yield return ($"{prefix}.firstName", person.FirstName, false);
        yield return ($"{prefix}.lastName", person.LastName, false);
        yield return ($"{prefix}.email", person.Email, true);
        yield return ($"{prefix}.phone", person.Phone, false);
        if (person.Address is { } address)
        {
            yield return ($"{prefix}.address.street", address.Street, false);
            yield return ($"{prefix}.address.city", address.City, false);
            yield return ($"{prefix}.address.regionCode", address.RegionCode, true);
            yield return ($"{prefix}.address.postalCode", address.PostalCode, true);
            yield return ($"{prefix}.address.country", address.Country, true);
        }
    }
}
