using System.Globalization;
using System.Text;
using System.Xml;
using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors.Adf;

/// <summary>
/// Writes the canonical lead as one ADF 1.0 prospect. Every value goes through <see cref="XmlWriter"/>
/// (escaped; characters XML cannot carry are dropped). What ADF has no element for (the on-behalf contact,
/// survey, interaction, custom fields, comments) goes into <c>customer/comments</c> as labelled lines.
/// </summary>
public static class AdfDocument
{
    public const string OurIdSource = "LeadPlatform";
    private static readonly string[] Interests = ["buy", "lease", "sell", "trade-in", "test-drive"];
    private static readonly string[] PhoneTypes = ["voice", "cellphone", "phone", "fax", "pager"];

    public static string Write(Guid leadId, Lead lead, AdfSettings settings, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        var xmlSettings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n" };
        using (var xml = XmlWriter.Create(buffer, xmlSettings))
        {
            xml.WriteStartDocument();
            xml.WriteProcessingInstruction("adf", "version=\"1.0\"");
            xml.WriteStartElement("adf");
            xml.WriteStartElement("prospect");
            xml.WriteAttributeString("status", "new");
            Id(xml, "1", OurIdSource, leadId.ToString());
            Id(xml, "2", lead.Source, lead.SourceLeadId);
            Text(xml, "requestdate", (lead.OccurredAt ?? now).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
            // Every vehicle the prospect named (several to buy, a trade-in), else the one vehicle ADF requires.
            foreach (var vehicle in VehiclesOf(lead))
            {
                WriteVehicle(xml, vehicle);
            }
            WriteCustomer(xml, leadId, lead, settings);
            WriteVendor(xml, lead, settings.Vendor, settings.Email);
            WriteProvider(xml, lead, settings.Provider);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static IEnumerable<Vehicle?> VehiclesOf(Lead lead) =>
        lead.Vehicles is { Count: > 0 } vehicles ? vehicles.Select(v => (Vehicle?)v) : [lead.Vehicle];

    /// <summary>ADF requires a vehicle with year, make and model: a lead without one gets them empty.</summary>
    private static void WriteVehicle(XmlWriter xml, Vehicle? vehicle)
    {
        xml.WriteStartElement("vehicle");
        if (vehicle?.Interest?.ToLowerInvariant() is { } interest && Interests.Contains(interest))
        {
            xml.WriteAttributeString("interest", interest);
        }
        if (vehicle?.Condition?.ToLowerInvariant() is "new" or "used")
        {
            xml.WriteAttributeString("status", vehicle.Condition.ToLowerInvariant());
        }
        Text(xml, "year", vehicle?.Year?.ToString(CultureInfo.InvariantCulture) ?? "");
        Text(xml, "make", vehicle?.Make ?? "");
        Text(xml, "model", vehicle?.Model ?? "");
        Optional(xml, "vin", vehicle?.Vin);
        Optional(xml, "stock", vehicle?.Stock);
        Optional(xml, "trim", vehicle?.Trim);
        Optional(xml, "odometer", vehicle?.Odometer?.ToString(CultureInfo.InvariantCulture));
        Optional(xml, "comments", vehicle?.Comments);
        xml.WriteEndElement();
    }

    /// <summary>
    /// The customer is the prospect. When the prospect has neither email nor phone, the on-behalf contact's
    /// are used (ADF requires one), and the comments say whose they are.
    /// </summary>
    private static void WriteCustomer(XmlWriter xml, Guid leadId, Lead lead, AdfSettings settings)
    {
        var prospect = lead.Prospect;
        var reachable = !Blank(prospect.Email) || !Blank(prospect.Phone);
        var email = reachable ? prospect.Email : lead.Contact?.Email;
        var phone = reachable ? prospect.Phone : lead.Contact?.Phone;

        xml.WriteStartElement("customer");
        xml.WriteStartElement("contact");
        xml.WriteAttributeString("primarycontact", "1");
        Name(xml, "first", prospect.FirstName);
        Name(xml, "last", prospect.LastName ?? "");
        if (!Blank(email) || Blank(phone))
        {
            Text(xml, "email", email ?? "");
        }
        if (!Blank(phone))
        {
            xml.WriteStartElement("phone");
            xml.WriteAttributeString("type", PhoneTypes.Contains(settings.PhoneType) ? settings.PhoneType : "voice");
            xml.WriteString(Clean(phone!));
            xml.WriteEndElement();
        }
        WriteAddress(xml, prospect.Address);
        xml.WriteEndElement();
        Text(xml, "comments", Comments(leadId, lead, reachable));
        xml.WriteEndElement();
    }

    private static void WriteAddress(XmlWriter xml, Address? address)
    {
        if (address is null || new[] { address.Street, address.City, address.RegionCode, address.PostalCode, address.Country }.All(Blank))
        {
            return;
        }
        xml.WriteStartElement("address");
        xml.WriteStartElement("street");
        xml.WriteAttributeString("line", "1");
        xml.WriteString(Clean(address.Street ?? ""));
        xml.WriteEndElement();
        Optional(xml, "city", address.City);
        Optional(xml, "regioncode", address.RegionCode);
        Optional(xml, "postalcode", address.PostalCode);
        Optional(xml, "country", address.Country);
        xml.WriteEndElement();
    }

    private static void WriteVendor(XmlWriter xml, Lead lead, AdfVendor vendor, AdfEmailSettings email)
    {
        xml.WriteStartElement("vendor");
        if (!Blank(vendor.Id ?? lead.DealerId))
        {
            Id(xml, null, OurIdSource, (vendor.Id ?? lead.DealerId)!);
        }
        Text(xml, "vendorname", vendor.Name ?? lead.DealerId ?? lead.AccountId);
        Optional(xml, "url", vendor.Url);
        xml.WriteStartElement("contact");
        Name(xml, "full", vendor.ContactName ?? vendor.Name ?? lead.DealerId ?? lead.AccountId);
        var vendorEmail = vendor.Email ?? email.To.FirstOrDefault();
        if (!Blank(vendorEmail) || Blank(vendor.Phone))
        {
            Text(xml, "email", vendorEmail ?? "");
        }
        Optional(xml, "phone", vendor.Phone);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteProvider(XmlWriter xml, Lead lead, AdfProvider provider)
    {
        xml.WriteStartElement("provider");
        Name(xml, "full", provider.Name);
        Optional(xml, "service", provider.Service ?? lead.Source);
        Optional(xml, "url", provider.Url);
        Optional(xml, "email", provider.Email);
        xml.WriteEndElement();
    }

    private static string Comments(Guid leadId, Lead lead, bool prospectReachable)
    {
        var lines = new List<string> { $"Lead {leadId} from {lead.Source} (source lead id {lead.SourceLeadId})" };
        if (lead.Contact is { } contact)
        {
            var who = Join(" ", contact.FirstName, contact.LastName);
            var relation = Blank(contact.Relationship) ? "" : $" ({contact.Relationship})";
            lines.Add($"Submitted on behalf of the prospect by: {who}{relation}" + Suffix(Join(", ", contact.Email, contact.Phone)));
            if (!prospectReachable)
            {
                lines.Add("The email and phone above are those of the person who submitted on the prospect's behalf.");
            }
        }
        foreach (var vehicle in VehiclesOf(lead))
        {
            if (vehicle?.Interest is { } interest && !Interests.Contains(interest.ToLowerInvariant()))
            {
                lines.Add($"Vehicle interest: {interest}");
            }
        }
        if (lead.Survey is { } survey)
        {
            Add(lines, "Survey", survey.Name);
            Add(lines, "Survey outcome", survey.Outcome);
            Add(lines, "Care level", survey.CareLevel);
            Add(lines, "Completed by", survey.CompletedBy);
            Add(lines, "Contact preference", survey.ContactPreference);
            Add(lines, "Report", survey.ReportUrl);
            Add(lines, "Report text", survey.ReportText);
            Add(lines, "Survey notes", survey.Notes);
        }
        if (lead.Interaction is { } interaction)
        {
            Add(lines, "Interaction", Join(" with ", interaction.Kind, interaction.RepEmail));
        }
        Add(lines, "Market source", lead.MarketSource);
        foreach (var (name, value) in (lead.CustomFields ?? new Dictionary<string, string>()).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            Add(lines, name, value);
        }
        Add(lines, "Comments", lead.Comments);
        return string.Join("\n", lines);
    }

    private static void Id(XmlWriter xml, string? sequence, string source, string value)
    {
        xml.WriteStartElement("id");
        if (sequence is not null)
        {
            xml.WriteAttributeString("sequence", sequence);
        }
        xml.WriteAttributeString("source", Clean(source));
        xml.WriteString(Clean(value));
        xml.WriteEndElement();
    }

    private static void Name(XmlWriter xml, string part, string? value)
    {
        if (value is null)
        {
            return;
        }
        xml.WriteStartElement("name");
        xml.WriteAttributeString("part", part);
        xml.WriteString(Clean(value));
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, string element, string value) => xml.WriteElementString(element, Clean(value));

    private static void Optional(XmlWriter xml, string element, string? value)
    {
        if (!Blank(value))
        {
            Text(xml, element, value!);
        }
    }

    private static void Add(List<string> lines, string label, string? value)
    {
        if (!Blank(value))
        {
            lines.Add($"{label}: {value}");
        }
    }

    private static string Join(string separator, params string?[] parts) => string.Join(separator, parts.Where(p => !Blank(p)));

    private static string Suffix(string text) => text.Length == 0 ? "" : ", " + text;

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>Drops characters XML 1.0 cannot carry (control characters, lone surrogates); keeps everything else.</summary>
    private static string Clean(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
