using System.Text.RegularExpressions;
using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

/// <summary>The SDK's properties in version.props, the one version source.</summary>
public static class VersionProps
{
    private static readonly string Text = File.ReadAllText(Path.Combine(RepoPaths.Root, "version.props"));

    public static string SdkVersion => Property("LeadPlatformSdkVersion");

    /// <summary>The version its sources were recorded for and their fingerprint, separated by a space.</summary>
    public static string SdkSources => Property("LeadPlatformSdkSources");

    private static string Property(string name) => Regex.Match(Text, $"<{name}>(.*)</{name}>").Groups[1].Value;
}
