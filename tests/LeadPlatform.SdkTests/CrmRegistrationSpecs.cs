using System.Text.RegularExpressions;
using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

/// <summary>
/// A CRM is registered in several files that cannot share one source (a shell process table, compose files, Kubernetes
/// manifests, C# tables). Each connector project under <c>services/Connectors/&lt;Crm&gt;</c> is the registration; this
/// test fails, naming the file, when any of the places that must follow from it is missing the connector, and when
/// the process table names a connector that has no project. docs/connector-sdk.md lists the places.
/// </summary>
public partial class CrmRegistrationSpecs
{
    private static readonly string Connectors = Path.Combine(RepoPaths.Root, "services", "Connectors");

    public sealed record Connector(string Folder, string Crm)
    {
        public override string ToString() => Crm;
    }

    public static IEnumerable<Connector> ConnectorProjects() =>
        Directory.EnumerateDirectories(Connectors)
            .Where(d => File.Exists(Path.Combine(d, Path.GetFileName(d) + ".csproj")))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)
            .Select(folder => new Connector(folder, CrmName(folder)));

    /// <summary>The CRM's name as the connector declares it: <c>public const string Name = "...";</c> in its connector class.</summary>
    private static string CrmName(string folder)
    {
        var source = Directory.EnumerateFiles(Path.Combine(Connectors, folder), "*Connector.cs")
            .Select(File.ReadAllText)
            .Select(text => ConnectorName().Match(text))
            .FirstOrDefault(m => m.Success);
        return source?.Groups[1].Value ?? folder.ToLowerInvariant();
    }

    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([RepoPaths.Root, .. path]));

    [TestCaseSource(nameof(ConnectorProjects))]
    public void Every_connector_project_is_in_the_process_table_both_compose_files_and_the_solution(Connector c)
    {
        var row = Regex.Match(Read("build", "services.sh"),
            $@"""connector-{c.Crm}\s+services/Connectors/{c.Folder}\s+LeadPlatform\.Connectors\.{c.Folder}\s+(\d+)""");
        Assert.That(row.Success, Is.True, $"build/services.sh has no row for connector-{c.Crm} (services/Connectors/{c.Folder})");

        var compose = Read("docker-compose.yml");
        Assert.That(compose, Does.Contain($"\n  connector-{c.Crm}:\n"), $"docker-compose.yml has no service connector-{c.Crm}");
        Assert.That(compose, Does.Contain($"PROJECT_DIR: services/Connectors/{c.Folder}\n"), $"docker-compose.yml does not build services/Connectors/{c.Folder}");
        Assert.That(compose, Does.Contain($"Urls: http://0.0.0.0:{row.Groups[1].Value}"), $"docker-compose.yml does not serve connector-{c.Crm} on its port {row.Groups[1].Value}");
        Assert.That(Read("infra", "compose.observability.yml"), Does.Contain($"\n  connector-{c.Crm}:\n"), $"infra/compose.observability.yml has no connector-{c.Crm}");
        Assert.That(Read("LeadPlatform.sln"), Does.Contain($@"services\Connectors\{c.Folder}\{c.Folder}.csproj"), "LeadPlatform.sln lacks the project");
    }

    [TestCaseSource(nameof(ConnectorProjects))]
    public void Every_connector_has_capabilities_a_settings_schema_a_sandbox_stand_in_and_the_conformance_kit(Connector c)
    {
        Assert.That(Read("shared", "LeadPlatform.Integrations", "CrmCapabilities.cs"), Does.Contain($"[\"{c.Crm}\"] = ["),
            $"CrmCapabilities declares nothing for {c.Crm}");
        Assert.That(File.Exists(Path.Combine(RepoPaths.Root, "shared", "LeadPlatform.Integrations", "SettingsSchemas", $"{c.Crm}.schema.json")), Is.True,
            $"shared/LeadPlatform.Integrations/SettingsSchemas/{c.Crm}.schema.json is missing");
        Assert.That(File.Exists(Path.Combine(RepoPaths.Root, "services", "Sandbox", $"{c.Folder}Api.cs")), Is.True, $"services/Sandbox/{c.Folder}Api.cs (the CRM's stand-in) is missing");
        Assert.That(Read("services", "Sandbox", "SandboxExtensions.cs"), Does.Contain($"Map{c.Folder}Api()"), $"the sandbox does not map {c.Folder}'s API");
        Assert.That(File.Exists(Path.Combine(RepoPaths.Root, "tests", "LeadPlatform.IntegrationTests", "Conformance", $"{c.Folder}Conformance.cs")), Is.True,
            $"tests/LeadPlatform.IntegrationTests/Conformance/{c.Folder}Conformance.cs (the kit run on it) is missing");
    }

    [TestCaseSource(nameof(ConnectorProjects))]
    public void Every_connector_is_deployed_and_scaled_on_its_own_queue(Connector c)
    {
        var manifest = Path.Combine(RepoPaths.Root, "deploy", "base", $"connector-{c.Crm}.yaml");
        Assert.That(File.Exists(manifest), Is.True, $"deploy/base/connector-{c.Crm}.yaml is missing");
        Assert.That(Read("deploy", "base", "kustomization.yaml"), Does.Contain($"- connector-{c.Crm}.yaml"), "deploy/base/kustomization.yaml does not list it");
        Assert.That(File.ReadAllText(manifest), Does.Contain($"queueName: connector-{c.Crm}\n"), "its ScaledObject does not watch its own queue");
    }

    [Test]
    public void The_process_table_names_no_connector_without_a_project()
    {
        var rows = Regex.Matches(Read("build", "services.sh"), @"""connector-\S+\s+(services/Connectors/\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows.Where(r => !Directory.Exists(Path.Combine(RepoPaths.Root, r))), Is.Empty, "build/services.sh rows without a project");
        Assert.That(ConnectorProjects().Count(), Is.EqualTo(rows.Count), "one process-table row per connector project");
    }

    [GeneratedRegex(@"public const string Name = ""([a-z0-9-]+)"";")]
    private static partial Regex ConnectorName();
}
