using System.Xml;

namespace LeadPlatform.Connectors.Adf;

/// <summary>The ADF 1.0 DTD (embedded <c>adf.dtd</c>) and a validator against it.</summary>
public static class AdfDtd
{
    public static string Text { get; } = Load();

    /// <summary>
    /// The problems of <paramref name="adfXml"/> against the DTD (none when valid). The DTD is supplied as the
    /// document's internal subset here, so what we send stays free of a DOCTYPE that receivers would try to fetch.
    /// </summary>
    public static IReadOnlyList<string> Validate(string adfXml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, ValidationType = ValidationType.DTD, XmlResolver = null };
        settings.ValidationEventHandler += (_, e) => errors.Add($"line {e.Exception.LineNumber}: {e.Message}");
        try
        {
            using var reader = XmlReader.Create(new StringReader(WithDoctype(adfXml)), settings);
            while (reader.Read())
            {
            }
        }
        catch (XmlException ex)
        {
            errors.Add($"not well-formed: {ex.Message}");
        }
        return errors;
    }

    /// <summary>Inserts <c>&lt;!DOCTYPE adf [dtd]&gt;</c> before the root element.</summary>
    public static string WithDoctype(string adfXml)
    {
        var root = adfXml.IndexOf("<adf", StringComparison.Ordinal);
        return root < 0 ? adfXml : adfXml[..root] + "<!DOCTYPE adf [\n" + Text + "\n]>\n" + adfXml[root..];
    }

    private static string Load()
    {
        using var stream = typeof(AdfDtd).Assembly.GetManifestResourceStream("adf.dtd")
            ?? throw new InvalidOperationException("adf.dtd is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
