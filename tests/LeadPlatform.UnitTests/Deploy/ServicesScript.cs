using LeadPlatform.Testing;

namespace LeadPlatform.UnitTests.Deploy;

/// <summary>The LP_SERVICES rows of build/services.sh: the platform's processes as build/up.sh starts them.</summary>
public static class ServicesScript
{
    public sealed record Row(string Name, string Project, string Assembly, int Port);

    public static IReadOnlyList<Row> Rows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "build", "services.sh"));
        var start = Array.FindIndex(lines, l => l.StartsWith("LP_SERVICES=(", StringComparison.Ordinal));
        return lines.Skip(start + 1).TakeWhile(l => l.Trim() != ")")
            .Select(l => l.Trim().Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 4)
            .Select(parts => new Row(parts[0], parts[1], parts[2], int.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }
}
