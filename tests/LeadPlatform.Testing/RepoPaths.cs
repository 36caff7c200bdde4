namespace LeadPlatform.Testing;

public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The built entry assembly of a service project, e.g. <c>services/Ingestion</c>, <c>LeadPlatform.Ingestion</c>.</summary>
    public static string ServiceDll(string projectDir, string assemblyName)
    {
        var path = Path.Combine(Root, projectDir, "bin", Configuration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is not built. Build the solution first (dotnet build LeadPlatform.sln, or build/test.sh).");
        }
        return path;
    }

    public static string LogDir(string fixture)
    {
        var dir = Path.Combine(Root, ".run", "test-logs", fixture);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeadPlatform.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("LeadPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
