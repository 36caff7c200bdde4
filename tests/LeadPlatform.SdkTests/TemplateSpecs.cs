using System.Text.Json;
using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

public class TemplateSpecs
{
    [Test]
    public void The_templates_default_SDK_version_is_the_one_version_props_packs()
    {
        var version = VersionProps.SdkVersion;
        using var template = JsonDocument.Parse(File.ReadAllText(
            Path.Combine(RepoPaths.Root, "templates", "leadplatform-connector", ".template.config", "template.json")));

        var templateDefault = template.RootElement.GetProperty("symbols").GetProperty("SdkVersion").GetProperty("defaultValue").GetString();

        Assert.That(version, Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"), "SemVer");
        Assert.That(templateDefault, Is.EqualTo(version), "bump both together");
    }
}
