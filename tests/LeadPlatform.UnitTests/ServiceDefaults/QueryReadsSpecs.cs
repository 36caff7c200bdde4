using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// A handler that reads <c>HttpRequest.Query</c> itself reads parameters its OpenAPI operation cannot know. Query values
/// reach handlers only through bound parameters (an <c>[AsParameters]</c> record, or a plain handler parameter), which
/// the generated document declares, and <see cref="OpenApiCompleteness"/> wants each declared one described and typed.
/// Checked in the compiled code of every service whose document OpenApiCompletenessSpecs checks.
/// </summary>
public class QueryReadsSpecs
{
    public static IEnumerable<TestCaseData> Assemblies() =>
        new[]
        {
            typeof(LeadPlatform.Ingestion.IngestionExtensions).Assembly,
            typeof(LeadPlatform.Disposition.QueryEndpoints).Assembly,
            typeof(LeadPlatform.Notifications.NotificationEndpoints).Assembly,
            typeof(LeadPlatform.ServiceDefaults.OpenApiQuery).Assembly,
            typeof(LeadPlatform.Connectors.Enquire.EnquireConnector).Assembly,
            typeof(LeadPlatform.Connectors.Salesforce.SalesforceConnector).Assembly,
            typeof(LeadPlatform.Connectors.HubSpot.HubSpotConnector).Assembly,
            typeof(LeadPlatform.Connectors.Alis.AlisConnector).Assembly,
            typeof(LeadPlatform.Connectors.Adf.AdfConnector).Assembly,
        }.Distinct().Select(a => new TestCaseData(a).SetArgDisplayNames(a.GetName().Name!));

    [TestCaseSource(nameof(Assemblies))]
    public void No_handler_reads_the_query_string_itself(Assembly assembly)
    {
        Assert.That(MethodsReadingQuery(assembly.Location), Is.Empty,
            "these read HttpRequest.Query directly, so their parameters are missing from the OpenAPI document: bind them "
            + "through an [AsParameters] record ([FromQuery(Name = ...)], [Description], [QueryValue] for numbers and times)");
    }

    /// <summary>The methods whose IL calls <c>HttpRequest.get_Query</c>.</summary>
    private static List<string> MethodsReadingQuery(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var tokens = md.MemberReferences
            .Where(h =>
            {
                var member = md.GetMemberReference(h);
                return md.GetString(member.Name) == "get_Query" && member.Parent.Kind == HandleKind.TypeReference
                    && md.GetString(md.GetTypeReference((TypeReferenceHandle)member.Parent).Name) == "HttpRequest";
            })
            .Select(h => BitConverter.GetBytes(MetadataTokens.GetToken(h)))
            .ToList();
        var found = new List<string>();
        if (tokens.Count == 0)
        {
            return found;
        }
        foreach (var handle in md.MethodDefinitions)
        {
            var method = md.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }
            var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes() ?? [];
            if (tokens.Any(token => Calls(il, token)))
            {
                var type = md.GetTypeDefinition(method.GetDeclaringType());
                found.Add($"{md.GetString(type.Name)}.{md.GetString(method.Name)}");
            }
        }
        return found;
    }

    private static bool Calls(byte[] il, byte[] token)
    {
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] is 0x28 or 0x6F && il.AsSpan(i + 1, 4).SequenceEqual(token))
            {
                return true;
            }
        }
        return false;
    }
}
