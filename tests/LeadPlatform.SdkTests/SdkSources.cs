using System.Security.Cryptography;
using System.Text;

namespace LeadPlatform.SdkTests;

/// <summary>
/// The sources the connector SDK's packages are built from: every .cs, .csproj, .sql and .json file of the five
/// packed projects (bin/ and obj/ left out), read with LF line ends. Package dependencies' versions
/// (Directory.Packages.props) are not among them: most of its entries are the services' and tests'.
/// </summary>
public static class SdkSources
{
    public static readonly string[] Projects =
    [
        "contracts/LeadPlatform.Contracts",
        "shared/LeadPlatform.ServiceDefaults",
        "shared/LeadPlatform.Integrations",
        "shared/LeadPlatform.Connectors",
        "shared/LeadPlatform.Connectors.Testing",
    ];

    private static readonly HashSet<string> Extensions = [".cs", ".csproj", ".sql", ".json"];

    /// <summary>SHA-256 over each file's repository path and content, in path order: <c>sha256:</c> and 64 hex digits.</summary>
    public static string Fingerprint(string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in Files(root))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            hash.AppendData(Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(root, path)).ReplaceLineEndings("\n") + "\0"));
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static IEnumerable<string> Files(string root) => Projects
        .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*", SearchOption.AllDirectories))
        .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
        .Where(path => Extensions.Contains(Path.GetExtension(path)) && !path.Split('/').Any(part => part is "bin" or "obj"))
        .Order(StringComparer.Ordinal);
}
