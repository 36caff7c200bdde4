using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

/// <summary>
/// A version's packages never change: version.props records, beside the SDK's version, the fingerprint of the sources
/// that version is packed from (<see cref="SdkSources"/>). A change to them without a new version fails here.
/// </summary>
public class SdkVersionSpecs
{
    [Test]
    public void The_SDKs_sources_are_those_its_version_was_recorded_with()
    {
        var version = VersionProps.SdkVersion;
        var recorded = VersionProps.SdkSources.Split(' ');
        var fingerprint = SdkSources.Fingerprint(RepoPaths.Root);

        Assert.That(recorded, Has.Length.EqualTo(2),
            $"version.props records the SDK's sources as <LeadPlatformSdkSources>{version} {fingerprint}</LeadPlatformSdkSources>");
        Assert.That(recorded[0], Is.EqualTo(version),
            $"LeadPlatformSdkVersion is new: record its sources in version.props as <LeadPlatformSdkSources>{version} {fingerprint}</LeadPlatformSdkSources>");
        Assert.That(fingerprint, Is.EqualTo(recorded[1]),
            $"The SDK's sources ({string.Join(", ", SdkSources.Projects)}) changed since {version} was packed. Raise " +
            "LeadPlatformSdkVersion in version.props (patch for a fix, minor for an addition, major for a break; " +
            $"docs/connector-sdk.md, \"Versions\"), then record <LeadPlatformSdkSources>NEW-VERSION {fingerprint}</LeadPlatformSdkSources>");
    }

    [Test]
    public void The_fingerprint_covers_the_packed_sources_and_nothing_built()
    {
        var files = SdkSources.Files(RepoPaths.Root).ToList();

        Assert.That(files, Does.Contain("shared/LeadPlatform.Connectors/DeliveryLedger.cs"));
        Assert.That(files, Does.Contain("shared/LeadPlatform.Connectors/Migrations/0001_ledger.sql"));
        Assert.That(files, Does.Contain("contracts/LeadPlatform.Contracts/LeadPlatform.Contracts.csproj"));
        Assert.That(files, Has.None.Contains("/obj/").And.None.Contains("/bin/"), "build output differs per machine");
    }
}
