namespace LeadPlatform.Ops;

/// <summary>
/// <c>lpops &lt;command&gt; [positional…] [--option value] [--flag]</c>. Options may come anywhere; a value-less option
/// is a flag.
/// </summary>
public sealed class CommandLine
{
    private static readonly HashSet<string> Flags = ["all", "wait", "help"];

    public IReadOnlyList<string> Positional { get; }
    private readonly Dictionary<string, string> _options;

    private CommandLine(List<string> positional, Dictionary<string, string> options)
    {
        Positional = positional;
        _options = options;
    }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }
            var name = args[i][2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                options[name[..equals]] = name[(equals + 1)..];
            }
            else if (Flags.Contains(name) || i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                options[name] = "true";
            }
            else
            {
                options[name] = args[++i];
            }
        }
        return new CommandLine(positional, options);
    }

    public string? Option(string name) => _options.TryGetValue(name, out var value) ? value : null;

    public bool Flag(string name) => Option(name) is "true";

    public string? At(int index) => index < Positional.Count ? Positional[index] : null;
}

/// <summary>Where the platform is: flags first, then environment variables, then the local defaults.</summary>
public sealed record OpsSettings(Uri Api, string AdminKey, Uri Disposition)
{
    public static OpsSettings From(CommandLine line) => new(
        new Uri(Slash(line.Option("api") ?? Environment.GetEnvironmentVariable("LPOPS_API") ?? "http://127.0.0.1:5080")),
        line.Option("admin-key") ?? Environment.GetEnvironmentVariable("LPOPS_ADMIN_KEY") ?? MachineKey() ?? "dev-admin-key",
        new Uri(Slash(line.Option("disposition") ?? Environment.GetEnvironmentVariable("LPOPS_DISPOSITION") ?? "http://127.0.0.1:5090")));

    /// <summary>The key build/up.sh generated for this machine (<c>.run/admin-key</c> under the current directory), if any.</summary>
    private static string? MachineKey() =>
        File.Exists(Path.Combine(".run", "admin-key")) ? File.ReadAllText(Path.Combine(".run", "admin-key")).Trim() : null;

    private static string Slash(string url) => url.EndsWith('/') ? url : url + "/";
}
