using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace LeadPlatform.Ingestion.Adf;

/// <summary>
/// Turns ADF as lead vendors really send it into well-formed XML, before any XML parser sees it. What it repairs,
/// each found in published vendor templates and samples (see docs/adf.md and the test corpus):
/// <list type="bullet">
/// <item>text around the document (an email's greeting or signature) and a BOM;</item>
/// <item>any <c>&lt;?xml ...?&gt;</c> and <c>&lt;?adf ...?&gt;</c> instruction, in any case, with or without <c>=</c>
/// (<c>&lt;?ADF VERSION "1.0"?&gt;</c>, <c>&lt;?XML VERSION "1.0"?&gt;</c>) or after the other: dropped, they say nothing
/// needed; a declared ISO-8859-1 / Windows-1252 encoding is honoured;</item>
/// <item>unquoted attribute values (<c>&lt;id sequence=1&gt;</c>), attributes without a value, repeated attributes;</item>
/// <item>element names whose closing tag differs only in case (<c>&lt;Name&gt;...&lt;/name&gt;</c>): names are lower-cased;</item>
/// <item>a bare <c>&amp;</c> (<c>Smith &amp; Sons</c>), HTML entities (<c>&amp;nbsp;</c>), a bare <c>&lt;</c> before a space or digit,
/// an autolink (<c>&lt;https://example.com&gt;</c>) and control characters in text.</item>
/// </list>
/// A DTD is never repaired: a document declaring one is refused, so no entity is ever defined or expanded.
/// </summary>
public static partial class AdfRepair
{
    /// <summary>Thrown for what is refused, not repaired (a DTD).</summary>
    public sealed class RefusedException(string message) : Exception(message);

    public static string Repair(byte[] body)
    {
        var text = Decode(body);
        if (DoctypeOrEntity().IsMatch(text))
        {
            throw new RefusedException("DTDs and entity declarations are not accepted in ADF");
        }
        text = Trim(text);
        var output = new StringBuilder(text.Length + 64);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '<')
            {
                i = Markup(text, i, output);
            }
            else if (c == '&')
            {
                i = Ampersand(text, i, output);
            }
            else
            {
                AppendChar(output, c, text, ref i);
            }
        }
        return output.ToString();
    }

    /// <summary>UTF-8, unless the declaration names a Latin-1 encoding or the bytes are not valid UTF-8.</summary>
    private static string Decode(byte[] body)
    {
        var head = Encoding.ASCII.GetString(body, 0, Math.Min(body.Length, 200));
        if (!Latin1Declared().IsMatch(head))
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body).TrimStart('\uFEFF');
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-8 although undeclared: the vendor's platform wrote Windows-1252 or Latin-1, read as Latin-1.
            }
        }
        return Encoding.Latin1.GetString(body);
    }

    /// <summary>Whatever precedes the first tag and follows the last <c>&lt;/adf&gt;</c> is not the document.</summary>
    private static string Trim(string text)
    {
        var start = text.IndexOf('<');
        if (start > 0)
        {
            text = text[start..];
        }
        var end = text.LastIndexOf("</adf", StringComparison.OrdinalIgnoreCase);
        if (end >= 0 && text.IndexOf('>', end) is var close and >= 0)
        {
            text = text[..(close + 1)];
        }
        return text;
    }

    private static int Markup(string text, int i, StringBuilder output)
    {
        if (At(text, i, "<![CDATA["))
        {
            return CopyThrough(text, i, "]]>", output, keep: true);
        }
        if (At(text, i, "<!--"))
        {
            return CopyThrough(text, i, "-->", output, keep: false);
        }
        if (At(text, i, "<?"))
        {
            // <?xml ...?> and <?adf ...?> in any spelling: neither carries anything the parser needs.
            return CopyThrough(text, i, "?>", output, keep: false);
        }
        var next = i + 1 < text.Length ? text[i + 1] : ' ';
        if (char.IsLetter(next) && !IsAutolink(text, i))
        {
            return Tag(text, i, output, closing: false);
        }
        if (next == '/' && i + 2 < text.Length && char.IsLetter(text[i + 2]))
        {
            return Tag(text, i + 1, output, closing: true);
        }
        if (next == '!')
        {
            return CopyThrough(text, i, ">", output, keep: true); // refused by the parser, never expanded
        }
        output.Append("&lt;");
        return i + 1;
    }

    /// <summary><c>&lt;https://example.com&gt;</c> in text is a link someone pasted, not an element.</summary>
    private static bool IsAutolink(string text, int i) =>
        Autolink().IsMatch(text.AsSpan(i, Math.Min(text.Length - i, 12)));

    private static int Tag(string text, int i, StringBuilder output, bool closing)
    {
        var j = i + 1;
        var name = ReadName(text, ref j);
        output.Append(closing ? "</" : "<").Append(name.ToLowerInvariant());
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (j < text.Length)
        {
            SkipSpace(text, ref j);
            if (j >= text.Length)
            {
                break;
            }
            if (text[j] == '>')
            {
                output.Append('>');
                return j + 1;
            }
            if (text[j] == '/' && j + 1 < text.Length && text[j + 1] == '>')
            {
                output.Append("/>");
                return j + 2;
            }
            var attribute = ReadName(text, ref j);
            if (attribute.Length == 0)
            {
                j++; // a stray character inside a tag
                continue;
            }
            SkipSpace(text, ref j);
            string value;
            if (j < text.Length && text[j] == '=')
            {
                j++;
                SkipSpace(text, ref j);
                value = ReadValue(text, ref j);
            }
            else
            {
                value = attribute; // <contact primarycontact>
            }
            if (!closing && seen.Add(attribute.ToLowerInvariant()))
            {
                output.Append(' ').Append(attribute.ToLowerInvariant()).Append("=\"").Append(EscapeAttribute(value)).Append('"');
            }
        }
        output.Append('>');
        return j;
    }

    private static string ReadName(string text, ref int j)
    {
        var start = j;
        while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] is '-' or '_' or '.' or ':'))
        {
            j++;
        }
        return text[start..j];
    }

    private static string ReadValue(string text, ref int j)
    {
        if (j < text.Length && text[j] is '"' or '\'')
        {
            var quote = text[j];
            var end = text.IndexOf(quote, j + 1);
            var tagEnd = text.IndexOf('>', j + 1);
            if (end >= 0 && (tagEnd < 0 || end < tagEnd || !text.AsSpan(j + 1, end - j - 1).Contains('<')))
            {
                var quoted = text[(j + 1)..end];
                j = end + 1;
                return quoted;
            }
            j++; // an unclosed quote: read on as unquoted
        }
        var start = j;
        while (j < text.Length && !char.IsWhiteSpace(text[j]) && text[j] != '>' && !(text[j] == '/' && j + 1 < text.Length && text[j + 1] == '>'))
        {
            j++;
        }
        return text[start..j].Trim('"', '\'');
    }

    private static string EscapeAttribute(string value)
    {
        var decoded = new StringBuilder(value.Length);
        for (var k = 0; k < value.Length;)
        {
            if (value[k] == '&')
            {
                k = Ampersand(value, k, decoded);
            }
            else
            {
                AppendChar(decoded, value[k], value, ref k);
            }
        }
        return decoded.ToString().Replace("<", "&lt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
    }

    /// <summary>A character or the five XML entities stay; a few HTML ones become characters; anything else is a literal <c>&amp;</c>.</summary>
    private static int Ampersand(string text, int i, StringBuilder output)
    {
        var match = EntityReference().Match(text, i);
        if (match.Success && match.Index == i)
        {
            var name = match.Groups[1].Value;
            if (name.StartsWith('#'))
            {
                // &#1; is as illegal in XML 1.0 as the character itself: dropped like it.
                if (IsLegalReference(name))
                {
                    output.Append(match.Value);
                }
                return i + match.Length;
            }
            if (name is "amp" or "lt" or "gt" or "quot" or "apos")
            {
                output.Append(match.Value);
                return i + match.Length;
            }
            if (HtmlEntities.TryGetValue(name.ToLowerInvariant(), out var code))
            {
                output.Append("&#").Append(code).Append(';');
                return i + match.Length;
            }
        }
        output.Append("&amp;");
        return i + 1;
    }

    private static bool IsLegalReference(string name)
    {
        var hex = name.StartsWith("#x", StringComparison.OrdinalIgnoreCase);
        var digits = name[(hex ? 2 : 1)..];
        return int.TryParse(digits, hex ? System.Globalization.NumberStyles.HexNumber : System.Globalization.NumberStyles.None,
                   System.Globalization.CultureInfo.InvariantCulture, out var code)
               && (code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF));
    }

    private static readonly Dictionary<string, int> HtmlEntities = new()
    {
        ["nbsp"] = 160, ["copy"] = 169, ["reg"] = 174, ["trade"] = 8482, ["eacute"] = 233, ["ndash"] = 8211, ["mdash"] = 8212,
        ["rsquo"] = 8217, ["lsquo"] = 8216, ["ldquo"] = 8220, ["rdquo"] = 8221, ["hellip"] = 8230, ["deg"] = 176,
    };

    private static void AppendChar(StringBuilder output, char c, string text, ref int i)
    {
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            output.Append(c).Append(text[i + 1]);
            i += 2;
            return;
        }
        if (XmlConvert.IsXmlChar(c))
        {
            output.Append(c);
        }
        i++;
    }

    private static int CopyThrough(string text, int i, string terminator, StringBuilder output, bool keep)
    {
        var end = text.IndexOf(terminator, i, StringComparison.Ordinal);
        var stop = end < 0 ? text.Length : end + terminator.Length;
        if (keep)
        {
            output.Append(text, i, stop - i);
        }
        return stop;
    }

    private static void SkipSpace(string text, ref int j)
    {
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }
    }

    private static bool At(string text, int i, string prefix) => string.CompareOrdinal(text, i, prefix, 0, prefix.Length) == 0;

    [GeneratedRegex(@"<!\s*(DOCTYPE|ENTITY)", RegexOptions.IgnoreCase)]
    private static partial Regex DoctypeOrEntity();

    [GeneratedRegex(@"encoding\s*=?\s*[""']?\s*(iso-8859-1|latin-?1|windows-1252|cp1252)", RegexOptions.IgnoreCase)]
    private static partial Regex Latin1Declared();

    [GeneratedRegex(@"^<(https?|mailto|ftp):", RegexOptions.IgnoreCase)]
    private static partial Regex Autolink();

    [GeneratedRegex(@"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,10});")]
    private static partial Regex EntityReference();
}
