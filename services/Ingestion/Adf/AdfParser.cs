using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using LeadPlatform.Contracts;

namespace LeadPlatform.Ingestion.Adf;

/// <summary>
/// Reads an ADF 1.0 document (one or more <c>&lt;prospect&gt;</c>) into canonical leads, tolerant of what vendors
/// really send: <see cref="AdfRepair"/> first mends the malformations vendors' templates produce, then any case of
/// element names, <c>name part="full"</c>, any phone type, CDATA comments. Every vehicle is kept.
/// DTDs are refused and no external entity is ever resolved (no XXE).
/// </summary>
public static class AdfParser
{
    public sealed class AdfException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>One lead per prospect; <c>accountId</c> is left empty for the program rules to fill.</summary>
    public static IReadOnlyList<Lead> Parse(byte[] body, string source)
    {
        var root = Load(body).Root!;
        if (!Is(root, "adf"))
        {
            throw new AdfException("adf", $"The root element must be <adf>, not <{root.Name.LocalName}>");
        }
        var prospects = Children(root, "prospect").ToList();
        if (prospects.Count == 0)
        {
            throw new AdfException("adf.prospect", "An ADF document needs at least one <prospect>");
        }
        return prospects.Select(p => ToLead(p, source)).ToList();
    }

    private static XDocument Load(byte[] body)
    {
        string text;
        try
        {
            text = AdfRepair.Repair(body);
        }
        catch (AdfRepair.RefusedException ex)
        {
            throw new AdfException("body", ex.Message);
        }
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = JsonBody.MaxBytes * 2L,
            IgnoreComments = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new AdfException("body", $"Malformed XML: {ex.Message}");
        }
    }

    private static Lead ToLead(XElement prospect, string source)
    {
        var customer = Child(prospect, "customer");
        var contact = customer is null ? null : Child(customer, "contact");
        var (first, last) = Names(contact);
        // Every vehicle the prospect names, in order (several to buy, a trade-in); the first one to buy is the main one.
        var vehicles = Children(prospect, "vehicle").Select(ToVehicle).ToList();
        var vehicle = vehicles.OrderByDescending(v => Is(v.Interest, "buy")).FirstOrDefault();
        var address = contact is null ? null : Child(contact, "address");
        var vendor = Child(prospect, "vendor");
        var provider = Child(prospect, "provider");
        var custom = new Dictionary<string, string>();
        AddIfPresent(custom, "adf.vendorName", vendor is null ? null : Text(Child(vendor, "vendorname")));
        AddIfPresent(custom, "adf.providerName", provider is null ? null : FullName(provider));
        AddIfPresent(custom, "adf.providerService", provider is null ? null : Text(Child(provider, "service")));

        return new Lead
        {
            Source = source,
            SourceLeadId = Text(Child(prospect, "id")) ?? ContentId(prospect),
            Conversion = Lead.SalesOptIn,
            OccurredAt = DateTimeOffset.TryParse(Text(Child(prospect, "requestdate")), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
            Prospect = new Person
            {
                FirstName = first,
                LastName = last,
                Email = contact is null ? null : Text(Child(contact, "email")),
                Phone = contact is null ? null : Phone(contact),
                Address = address is null ? null : new Address
                {
                    Street = string.Join(", ", Children(address, "street").Select(Text).Where(s => s is not null)) is { Length: > 0 } street ? street : null,
                    City = Text(Child(address, "city")),
                    RegionCode = Text(Child(address, "regioncode")),
                    PostalCode = Text(Child(address, "postalcode")),
                    Country = Text(Child(address, "country")),
                },
            },
            Vehicle = vehicle,
            Vehicles = vehicles.Count > 0 ? vehicles : null,
            Comments = customer is null ? null : Comment(Child(customer, "comments")),
            CustomFields = custom.Count > 0 ? custom : null,
        };
    }

    private static Vehicle ToVehicle(XElement vehicle) => new()
    {
        Year = int.TryParse(Text(Child(vehicle, "year")), NumberStyles.Integer, CultureInfo.InvariantCulture, out var year) ? year : null,
        Make = Text(Child(vehicle, "make")),
        Model = Text(Child(vehicle, "model")),
        Trim = Text(Child(vehicle, "trim")),
        Vin = Text(Child(vehicle, "vin")),
        Stock = Text(Child(vehicle, "stock")),
        Condition = Attr(vehicle, "status")?.ToLowerInvariant(),
        Interest = Attr(vehicle, "interest")?.ToLowerInvariant(),
        Odometer = Digits(Text(Child(vehicle, "odometer"))),
        Comments = Comment(Child(vehicle, "comments")),
    };

    /// <summary>"42,150" or "42150 mi" is 42150.</summary>
    private static int? Digits(string? text) =>
        text is null ? null
        : int.TryParse(new string(text.TakeWhile(c => char.IsDigit(c) || c is ',' or ' ').Where(char.IsDigit).ToArray()),
            NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary><c>part="first"/"last"</c>, or a single <c>part="full"</c> (or part-less) name split at its last space.</summary>
    private static (string? First, string? Last) Names(XElement? contact)
    {
        if (contact is null)
        {
            return (null, null);
        }
        var names = Children(contact, "name").ToList();
        var first = names.FirstOrDefault(n => Is(Attr(n, "part"), "first"));
        var last = names.FirstOrDefault(n => Is(Attr(n, "part"), "last"));
        if (first is not null || last is not null)
        {
            return (Text(first), Text(last));
        }
        var full = Text(names.FirstOrDefault(n => Is(Attr(n, "part"), "full")) ?? names.FirstOrDefault());
        if (full is null)
        {
            return (null, null);
        }
        var space = full.LastIndexOf(' ');
        return space < 0 ? (null, full) : (full[..space].Trim(), full[(space + 1)..]);
    }

    private static string? FullName(XElement owner)
    {
        var name = Child(owner, "name");
        return Text(name);
    }

    /// <summary>Any phone type is accepted (voice, cellphone, mobile, home…); a voice/cell number first.</summary>
    private static string? Phone(XElement contact) =>
        Children(contact, "phone")
            .OrderBy(p => Attr(p, "type")?.ToLowerInvariant() switch { "voice" or null => 0, "cellphone" or "cell" or "mobile" => 1, "fax" or "pager" => 3, _ => 2 })
            .Select(Text)
            .FirstOrDefault(t => t is not null);

    /// <summary>A prospect without an <c>&lt;id&gt;</c> is identified by its content, so a resend is still a repeat.</summary>
    private static string ContentId(XElement prospect) =>
        "adf-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(prospect.ToString(SaveOptions.DisableFormatting))))[..32].ToLowerInvariant();

    private static void AddIfPresent(Dictionary<string, string> fields, string key, string? value)
    {
        if (value is not null)
        {
            fields[key] = value;
        }
    }

    private static bool Is(XElement element, string name) => string.Equals(element.Name.LocalName, name, StringComparison.OrdinalIgnoreCase);
    private static bool Is(string? value, string expected) => string.Equals(value?.Trim(), expected, StringComparison.OrdinalIgnoreCase);
    private static IEnumerable<XElement> Children(XElement parent, string name) => parent.Elements().Where(e => Is(e, name));
    private static XElement? Child(XElement parent, string name) => Children(parent, name).FirstOrDefault();
    private static string? Attr(XElement element, string name) =>
        element.Attributes().FirstOrDefault(a => string.Equals(a.Name.LocalName, name, StringComparison.OrdinalIgnoreCase))?.Value;
    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    /// <summary>
    /// Free-text comments cut to the lead's text limit: vendors' templates paste whole chat transcripts there, and a
    /// vendor refused for a long comment loses the lead (it rarely resends).
    /// </summary>
    private static string? Comment(XElement? element) =>
        Text(element) is { Length: > LeadValidator.MaxText } text ? text[..(LeadValidator.MaxText - 1)] + "…" : Text(element);
}
