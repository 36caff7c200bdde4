using System.Text.RegularExpressions;
using LeadPlatform.Testing;
using YamlDotNet.RepresentationModel;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>
/// <c>docker-compose.yml</c> and its observability override, read as YAML (no Docker engine here for
/// <c>docker compose config</c>): every service of <c>build/services.sh</c> is in both, only the public APIs are
/// published beyond the host, every image is pinned to a release, and the broker and database keep their data in volumes.
/// </summary>
public partial class ComposeFileSpecs
{
    /// <summary>What integrators, CRMs and operators reach: lead intake, disposition push, the console.</summary>
    private static readonly string[] Public = ["ingestion", "disposition", "console"];

    private static YamlMappingNode Load(string relativePath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepoPaths.Root, relativePath))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Services(YamlMappingNode compose) => (YamlMappingNode)compose["services"];

    private static IEnumerable<(string Name, YamlMappingNode Service)> Each(YamlMappingNode compose) =>
        Services(compose).Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value));

    [Test]
    public void Every_service_is_in_the_compose_file_and_exports_to_the_collector_in_the_observability_override()
    {
        var compose = Services(Load("docker-compose.yml"));
        var observability = Services(Load("infra/compose.observability.yml"));
        var services = ServicesScript.Rows().Select(r => r.Name).ToList();
        Assert.That(services, Is.Not.Empty);

        Assert.That(services.Where(s => !compose.Children.ContainsKey(s)), Is.Empty, "services of build/services.sh missing in docker-compose.yml");
        var notExporting = services.Where(s => !observability.Children.TryGetValue(s, out var node)
            || node is not YamlMappingNode service || !service.Children.TryGetValue("environment", out var env)
            || env is not YamlMappingNode vars || !vars.Children.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.That(notExporting, Is.Empty, "services without OTEL_EXPORTER_OTLP_ENDPOINT in infra/compose.observability.yml");
    }

    [TestCase("docker-compose.yml")]
    [TestCase("infra/compose.observability.yml")]
    public void Only_the_public_apis_are_published_beyond_localhost(string file)
    {
        var exposed = new List<string>();
        foreach (var (name, service) in Each(Load(file)))
        {
            if (!service.Children.TryGetValue("ports", out var ports))
            {
                continue;
            }
            foreach (var port in ((YamlSequenceNode)ports).Children.Select(p => ((YamlScalarNode)p).Value!))
            {
                // host-ip:host-port:container-port binds to that address; host-port:container-port binds to every address.
                var loopback = port.StartsWith("127.0.0.1:", StringComparison.Ordinal) || port.StartsWith("[::1]:", StringComparison.Ordinal);
                if (!loopback && !Public.Contains(name))
                {
                    exposed.Add($"{name}: \"{port}\" (write \"127.0.0.1:{port}\")");
                }
            }
        }
        Assert.That(exposed, Is.Empty, $"{file}: ports published beyond localhost that are not public APIs");
    }

    [TestCase("docker-compose.yml")]
    [TestCase("infra/compose.observability.yml")]
    public void Every_image_is_pinned_to_a_release(string file)
    {
        var images = Each(Load(file)).Where(s => s.Service.Children.ContainsKey("image"))
            .Select(s => (s.Name, Image: ((YamlScalarNode)s.Service["image"]).Value!)).ToList();
        var dockerfile = Directory.GetFiles(Path.Combine(RepoPaths.Root, "infra"), "Dockerfile.*")
            .SelectMany(f => File.ReadAllLines(f).Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => (Path.GetFileName(f), Image: l.Split(' ')[1])));

        var floating = images.Concat(dockerfile).Where(i => !Pinned(i.Image)).Select(i => $"{i.Item1}: {i.Image}").ToList();
        Assert.That(floating, Is.Empty, "images without a full release tag (x.y.z) or digest");
    }

    /// <summary>
    /// A digest, or a tag that starts with major.minor.patch (3.13.7-management); PostgreSQL's releases have two parts
    /// (15.10), so for it major.minor is the release. A major or major.minor alone (3.13-management, 15) floats.
    /// </summary>
    private static bool Pinned(string image)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return true;
        }
        var colon = image.LastIndexOf(':');
        if (colon < 0 || image[colon..].Contains('/'))
        {
            return false;
        }
        var (repository, tag) = (image[..colon], image[(colon + 1)..]);
        return ReleaseTag().IsMatch(tag) || (repository.EndsWith("postgres", StringComparison.Ordinal) && TwoPartReleaseTag().IsMatch(tag));
    }

    [GeneratedRegex(@"^v?\d+\.\d+\.\d+([-.][A-Za-z0-9.-]+)?$")]
    private static partial Regex ReleaseTag();

    [GeneratedRegex(@"^\d+\.\d+([-.][A-Za-z0-9.-]+)?$")]
    private static partial Regex TwoPartReleaseTag();

    [TestCase("rabbitmq", "/var/lib/rabbitmq")]
    [TestCase("postgres", "/var/lib/postgresql/data")]
    public void The_broker_and_the_database_keep_their_data_in_named_volumes(string service, string dataDirectory)
    {
        var compose = Load("docker-compose.yml");
        var node = (YamlMappingNode)Services(compose)[service];
        var mounts = node.Children.TryGetValue("volumes", out var v) ? ((YamlSequenceNode)v).Children.Select(m => ((YamlScalarNode)m).Value!).ToList() : [];
        var named = mounts.Select(m => m.Split(':')).Where(parts => parts.Length >= 2 && parts[1] == dataDirectory).Select(parts => parts[0]).ToList();

        Assert.That(named, Has.Count.EqualTo(1), $"{service} mounts a volume at {dataDirectory}");
        var declared = compose.Children.TryGetValue("volumes", out var top) ? ((YamlMappingNode)top).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList() : [];
        Assert.That(declared, Does.Contain(named[0]), "the volume is declared under the top-level volumes:");
    }
}
