using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>
/// The Kubernetes manifests under <c>deploy/</c>, rendered per overlay (<c>kubectl kustomize</c>; where kubectl is
/// absent, the base's files read as they are): every service of <c>build/services.sh</c> has a Deployment probing its
/// health endpoints, run as non-root with resources, a disruption budget; every connector a ScaledObject on its own
/// queue; the broker and database are three-node clusters. A service added to services.sh without manifests fails here.
/// </summary>
public partial class KubernetesManifestSpecs
{
    /// <summary>The local CRM stand-in of services.sh: never deployed.</summary>
    private static readonly string[] NotDeployed = ["sandbox"];

    private static readonly string Root = FindRoot();

    public static IEnumerable<string> Overlays => ["dev", "production"];

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LeadPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("LeadPlatform.sln not found above the test's directory");
    }

    /// <summary>The process names of build/services.sh's LP_SERVICES rows.</summary>
    private static IReadOnlyList<string> Services()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "build", "services.sh"));
        var start = Array.FindIndex(lines, l => l.StartsWith("LP_SERVICES=(", StringComparison.Ordinal));
        var names = lines.Skip(start + 1).TakeWhile(l => l.Trim() != ")")
            .Select(l => l.Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 2)
            .Select(parts => parts[0]).ToList();
        Assert.That(names, Is.Not.Empty, "services.sh lists the services");
        return names.Except(NotDeployed).ToList();
    }

    private static List<YamlMappingNode> Render(string overlay)
    {
        var text = KubectlKustomize(Path.Combine(Root, "deploy", "overlays", overlay))
            ?? string.Join("\n---\n", Directory.GetFiles(Path.Combine(Root, "deploy", "base"), "*.yaml")
                .Where(f => Path.GetFileName(f) != "kustomization.yaml").Select(File.ReadAllText));
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static string? KubectlKustomize(string directory)
    {
        try
        {
            using var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", directory])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var output = kubectl.StandardOutput.ReadToEndAsync();
            var error = kubectl.StandardError.ReadToEndAsync();
            Assert.That(kubectl.WaitForExit(60_000), Is.True, "kubectl kustomize finished within a minute");
            Assert.That(kubectl.ExitCode, Is.EqualTo(0), error.Result);
            return output.Result;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // No kubectl on this machine.
        }
    }

    private static string Kind(YamlMappingNode doc) => Text(doc, "kind") ?? "";
    private static string Name(YamlMappingNode doc) => Text(doc, "metadata", "name") ?? "";

    private static YamlNode? At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (step, node) switch
            {
                (string key, YamlMappingNode map) when map.Children.TryGetValue(new YamlScalarNode(key), out var child) => child,
                (int index, YamlSequenceNode seq) when index < seq.Children.Count => seq.Children[index],
                _ => null!,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    private static string? Text(YamlNode node, params object[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static YamlMappingNode Single(List<YamlMappingNode> docs, string kind, string name)
    {
        var matches = docs.Where(d => Kind(d) == kind && Name(d) == name).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), $"one {kind} named {name}");
        return matches[0];
    }

    [TestCaseSource(nameof(Overlays))]
    public void Every_service_has_a_deployment_probing_its_health_endpoints_as_non_root_with_resources_and_a_disruption_budget(string overlay)
    {
        var docs = Render(overlay);
        Assert.Multiple(() =>
        {
            foreach (var service in Services())
            {
                var deployment = Single(docs, "Deployment", service);
                var pod = At(deployment, "spec", "template", "spec")!;
                var container = At(pod, "containers", 0)!;
                Assert.That(Text(container, "livenessProbe", "httpGet", "path"), Is.EqualTo("/health/live"), $"{service} liveness");
                Assert.That(Text(container, "readinessProbe", "httpGet", "path"), Is.EqualTo("/health/ready"), $"{service} readiness");
                var probePort = Text(container, "readinessProbe", "httpGet", "port");
                var ports = ((YamlSequenceNode)At(container, "ports")!).Children;
                Assert.That(ports.Any(p => Text(p, "name") == probePort || Text(p, "containerPort") == probePort), Is.True, $"{service} probes a port it opens");
                var urls = ((YamlSequenceNode)At(container, "env")!).Children.FirstOrDefault(e => Text(e, "name") == "Urls");
                var port = ports.Select(p => Text(p, "containerPort")).First();
                Assert.That(urls is not null && Text(urls, "value")!.EndsWith($":{port}", StringComparison.Ordinal), Is.True, $"{service} listens on its container port");
                Assert.That(Text(pod, "securityContext", "runAsNonRoot"), Is.EqualTo("true"), $"{service} runs as non-root");
                Assert.That(Text(container, "securityContext", "allowPrivilegeEscalation"), Is.EqualTo("false"), $"{service} cannot escalate");
                Assert.That(At(container, "resources", "requests", "cpu"), Is.Not.Null, $"{service} requests CPU");
                Assert.That(At(container, "resources", "limits", "memory"), Is.Not.Null, $"{service} limits memory");
                Assert.That(At(pod, "topologySpreadConstraints", 0), Is.Not.Null, $"{service} spreads over zones and nodes");
                var budget = Single(docs, "PodDisruptionBudget", service);
                Assert.That(Text(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/name"), Is.EqualTo(service), $"{service}'s budget selects it");
            }
        });
    }

    [TestCaseSource(nameof(Overlays))]
    public void Every_connector_scales_on_its_own_queue(string overlay)
    {
        var docs = Render(overlay);
        var connectors = Services().Where(s => s.StartsWith("connector-", StringComparison.Ordinal)).ToList();
        Assert.That(connectors, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var connector in connectors)
            {
                var scaled = Single(docs, "ScaledObject", connector);
                Assert.That(Text(scaled, "spec", "scaleTargetRef", "name"), Is.EqualTo(connector));
                Assert.That(Text(scaled, "spec", "triggers", 0, "type"), Is.EqualTo("rabbitmq"), $"{connector} scales on RabbitMQ");
                Assert.That(Text(scaled, "spec", "triggers", 0, "metadata", "queueName"), Is.EqualTo(connector), $"{connector} scales on its own queue");
            }
        });
    }

    [TestCaseSource(nameof(Overlays))]
    public void The_broker_and_the_database_are_three_node_clusters_with_replication(string overlay)
    {
        var docs = Render(overlay);
        var rabbit = docs.Single(d => Kind(d) == "RabbitmqCluster");
        Assert.That(Text(rabbit, "apiVersion"), Is.EqualTo("rabbitmq.com/v1beta1"));
        Assert.That(Text(rabbit, "spec", "replicas"), Is.EqualTo("3"));
        Assert.That(Text(rabbit, "spec", "rabbitmq", "additionalConfig"), Does.Contain("pause_minority"));
        var postgres = docs.Single(d => Kind(d) == "Cluster");
        Assert.That(Text(postgres, "apiVersion"), Is.EqualTo("postgresql.cnpg.io/v1"));
        Assert.That(Text(postgres, "spec", "instances"), Is.EqualTo("3"));
        Assert.That(Text(postgres, "spec", "postgresql", "synchronous", "number"), Is.EqualTo("1"), "one synchronous standby");
        Assert.That(docs.Any(d => Kind(d) == "Deployment" && Name(d) == "otel-collector"), Is.True, "the OpenTelemetry collector");
    }

    [TestCaseSource(nameof(Overlays))]
    public void Only_ingestion_the_disposition_push_and_the_console_are_reachable_from_outside(string overlay)
    {
        var docs = Render(overlay);
        var policies = docs.Where(d => Kind(d) == "NetworkPolicy").ToList();
        var denyAll = policies.Single(p => Name(p) == "default-deny-ingress");
        Assert.That(((YamlMappingNode)At(denyAll, "spec", "podSelector")!).Children, Is.Empty, "every pod is denied by default");
        var exposed = docs.Where(d => Kind(d) == "Deployment"
                && Text(d, "spec", "template", "metadata", "labels", "leadplatform.io/exposed") == "true")
            .Select(Name).OrderBy(n => n, StringComparer.Ordinal);
        Assert.That(exposed, Is.EqualTo(new[] { "console", "disposition", "ingestion" }));
        var paths = ((YamlSequenceNode)At(docs.Single(d => Kind(d) == "Ingress"), "spec", "rules")!).Children
            .Select(r => (Service: Text(r, "http", "paths", 0, "backend", "service", "name"), Path: Text(r, "http", "paths", 0, "path")));
        Assert.That(paths, Does.Contain(("disposition", "/v1/dispositions")), "only the push path of disposition");
    }
}
