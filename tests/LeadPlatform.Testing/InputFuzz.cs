using System.Text;
using System.Text.Json.Nodes;

namespace LeadPlatform.Testing;

/// <summary>
/// Generated and mutated inputs for the intake parsers (JSON leads, ADF documents, broker SubmitLead messages), from a
/// seeded <see cref="Random"/> so a failure reproduces: the failing input's index and the seed are enough. Half are
/// structural mutations of valid inputs (a field's value replaced by hostile text, a number, an object, nothing; an
/// unknown field; deep nesting), half are byte-level (flipped, inserted, deleted, duplicated, truncated bytes).
/// </summary>
public sealed class InputFuzz(int seed)
{
    private readonly Random _random = new(seed);

    public int Seed { get; } = seed;

    /// <summary>Text that has broken parsers and databases: control characters, unpaired surrogates, huge and odd values.</summary>
    public static readonly string[] HostileText =
    [
        "", " ", "\0", "a\0b", "\u0001", "\u001f", "\u007f", "\u0085", "\t", "\r\n", "line\nbreak", "\ud800", "x\udc00", "\udbff\udfff",
        "😀", "ß", "İ", "ǅ", "\u202e", "\ufeff", "\uffff", "' or 1=1 --", "%00", "%40", "<script>", "]]>", "&amp;", "\\", "\"",
        "ROOBRIK", "Roobrik", "{}", "[]", "null", "0", "-1", "1e309", "9999-12-31T23:59:59Z", "0001-01-01", "not-a-date",
        new string('x', 501), new string('é', 700), string.Concat(Enumerable.Repeat("😀", 400)), new string('\0', 3),
    ];

    private static readonly string[] JsonSeeds =
    [
        """{"source":"roobrik","sourceLeadId":"s-1","accountId":"acme-senior","conversion":"sales-opt-in","occurredAt":"2026-11-01T12:00:00Z","prospect":{"firstName":"Edith","lastName":"Clark","email":"edith@example.com","phone":"555-0100","address":{"street":"1 Main","city":"Oakland","postalCode":"94612"}},"contact":{"firstName":"Ann","lastName":"Clark","email":"ann@example.com","relationship":"Daughter"},"survey":{"name":"Care","outcome":"assisted","reportUrl":"https://example.com/r/1","reportText":"text","notes":"n"},"comments":"hi","customFields":{"a":"b"}}""",
        """{"source":"roobrik","sourceLeadId":"s-2","accountId":"acme-senior","conversion":"newsletter","prospect":{"lastName":"Lee"}}""",
        """{"source":"roobrik","sourceLeadId":"s-3","accountId":"acme-senior","conversion":"sales-opt-in","prospect":{"lastName":"Kim"},"vehicle":{"year":2024,"make":"Kia","model":"EV9","interest":"buy"},"interaction":{"kind":"chat","repEmail":"rep@example.com"},"programs":["certified"],"dealerId":"d1"}""",
    ];

    private static readonly string[] AdfSeeds =
    [
        """<?xml version="1.0"?><?adf version="1.0"?><adf><prospect><id source="V">L-1</id><requestdate>2026-11-20T09:30:00-08:00</requestdate><vehicle interest="buy" status="new"><year>2024</year><make>Kia</make><model>EV9</model></vehicle><customer><contact><name part="first">Ann</name><name part="last">Lee</name><email>ann@example.com</email><phone type="voice">555-0100</phone><address><street line="1">1 Main</street><postalcode>94612</postalcode></address></contact><comments><![CDATA[Call me]]></comments></customer><vendor><vendorname>Bay Kia</vendorname></vendor><provider><name>Lead Gen</name><service>x</service></provider></prospect></adf>""",
        """<?adf version="1.0"?><?xml version="1.0" encoding="UTF-8"?><ADF><PROSPECT><ID>L-2</ID><CUSTOMER><CONTACT><NAME part="full">Min Kim</NAME></CONTACT></CUSTOMER><VEHICLE><MAKE>Kia</MAKE></VEHICLE></PROSPECT></ADF>""",
        """<adf><prospect><customer><contact><name>Jo Park</name><phone>555 0101</phone></contact></customer><vehicle interest="lease"><make>Kia</make></vehicle></prospect><prospect><id>L-3b</id><customer><contact><name part="last">Two</name></contact></customer></prospect></adf>""",
    ];

    private static readonly string[] XmlFragments =
    [
        "<?xml ", "<?xml version=\"1.0\"", "<?adf", "?>", "<!DOCTYPE adf [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;", "&#x0;", "&#1;",
        "<![CDATA[", "]]>", "<!--", "-->", "</adf>", "<adf>", "<prospect>", "</prospect>", "<name part=\"full\">", "<", ">", "&", "\0",
        "<a:b xmlns:a=\"urn:x\">", "\ud800", "<?xml version=\"1.0\"?>",
    ];

    public IEnumerable<byte[]> JsonLeads(int count) => Generate(count, () => JsonSeeds[_random.Next(JsonSeeds.Length)], MutateJson);

    public IEnumerable<byte[]> AdfDocuments(int count) => Generate(count, () => AdfSeeds[_random.Next(AdfSeeds.Length)], MutateXml);

    /// <summary>Raw <c>{"lead": …, "idempotencyKey": …}</c> bodies as a non-.NET publisher sends them.</summary>
    public IEnumerable<byte[]> BrokerMessages(int count) => Generate(count,
        () => $$"""{"lead":{{JsonSeeds[_random.Next(JsonSeeds.Length)]}},"idempotencyKey":"k-{{_random.Next(1000)}}"}""", MutateJson);

    private IEnumerable<byte[]> Generate(int count, Func<string> seedOf, Func<string, string> structural)
    {
        for (var i = 0; i < count; i++)
        {
            var text = seedOf();
            var rounds = 1 + _random.Next(3);
            for (var r = 0; r < rounds; r++)
            {
                text = _random.Next(2) == 0 ? structural(text) : text;
            }
            var bytes = Encoding.UTF8.GetBytes(text);
            yield return _random.Next(2) == 0 ? bytes : MutateBytes(bytes);
        }
    }

    private string MutateJson(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return json;
        }
        if (root is null)
        {
            return json;
        }
        var values = Leaves(root).ToList();
        var target = values.Count == 0 ? root : values[_random.Next(values.Count)];
        JsonNode? replacement = _random.Next(8) switch
        {
            0 => JsonValue.Create(_random.Next(int.MinValue, int.MaxValue)),
            1 => null,
            2 => new JsonObject { ["x"] = Hostile() },
            3 => new JsonArray(Hostile(), Hostile()),
            4 => JsonValue.Create(_random.Next(2) == 0),
            5 => Nested(_random.Next(1, 80)),
            _ => JsonValue.Create(Hostile()),
        };
        if (target.Parent is JsonObject parent)
        {
            var name = target.GetPropertyName();
            if (_random.Next(6) == 0)
            {
                parent.Remove(name);
            }
            else
            {
                parent[name] = replacement;
            }
            if (_random.Next(5) == 0)
            {
                parent[Hostile()] = JsonValue.Create(Hostile());
            }
        }
        else if (target.Parent is JsonArray array)
        {
            array[array.IndexOf(target)] = replacement;
        }
        return root.ToJsonString();
    }

    private static IEnumerable<JsonNode> Leaves(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Value is null ? [] : Leaves(p.Value).Prepend(p.Value)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(n => Leaves(n).Prepend(n)),
        _ => [],
    };

    private static JsonNode Nested(int depth)
    {
        JsonNode node = JsonValue.Create("deep");
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["d"] = node };
        }
        return node;
    }

    private string MutateXml(string xml)
    {
        var at = _random.Next(xml.Length + 1);
        return _random.Next(4) switch
        {
            0 => xml.Insert(at, XmlFragments[_random.Next(XmlFragments.Length)]),
            1 => xml.Insert(at, System.Security.SecurityElement.Escape(Hostile()) ?? ""),
            2 => ReplaceText(xml),
            _ => xml.Remove(at, Math.Min(_random.Next(1, 40), xml.Length - at)),
        };
    }

    /// <summary>The text of one element replaced, escaped or raw.</summary>
    private string ReplaceText(string xml)
    {
        var close = xml.IndexOf("</", _random.Next(xml.Length), StringComparison.Ordinal);
        var open = close < 0 ? -1 : xml.LastIndexOf('>', close);
        if (open < 0)
        {
            return xml;
        }
        var text = Hostile();
        return xml[..(open + 1)] + (_random.Next(2) == 0 ? System.Security.SecurityElement.Escape(text) : text) + xml[close..];
    }

    private byte[] MutateBytes(byte[] bytes)
    {
        var list = bytes.ToList();
        var edits = 1 + _random.Next(4);
        for (var e = 0; e < edits && list.Count > 0; e++)
        {
            var at = _random.Next(list.Count);
            switch (_random.Next(5))
            {
                case 0:
                    list[at] = (byte)_random.Next(256);
                    break;
                case 1:
                    list.Insert(at, (byte)_random.Next(256));
                    break;
                case 2:
                    list.RemoveRange(at, Math.Min(_random.Next(1, 16), list.Count - at));
                    break;
                case 3:
                    list.InsertRange(at, list.GetRange(at, Math.Min(_random.Next(1, 16), list.Count - at)));
                    break;
                default:
                    list.RemoveRange(at, list.Count - at);
                    break;
            }
        }
        return [.. list];
    }

    private string Hostile() => _random.Next(4) == 0
        ? new string(Enumerable.Range(0, _random.Next(1, 12)).Select(_ => (char)_random.Next(0, 0x3000)).ToArray())
        : HostileText[_random.Next(HostileText.Length)];
}
