using System.CommandLine;
using System.CommandLine.Parsing;

namespace LeadPlatform.Ops;

/// <summary>The <c>--crm --integration --since</c> filter of <c>failed</c> and <c>replay --all</c>, as query parameters.</summary>
public sealed class DeliveryFilterOptions
{
    public Option<string?> Crm { get; } = OpsOptions.Crm();
    public Option<string?> Integration { get; } = OpsOptions.Integration();
    public Option<string?> Since { get; } = OpsOptions.Since();

    public void AddTo(Command command)
    {
        command.Add(Crm);
        command.Add(Integration);
        command.Add(Since);
    }

    public bool AnyGiven(CommandResult command) => command.GetResult(Crm) is { Implicit: false } || command.GetResult(Integration) is { Implicit: false }
        || command.GetResult(Since) is { Implicit: false };

    public string Query(ParseResult parse, params (string Name, string? Value)[] extra) =>
        string.Join('&', new (string Name, string? Value)[] { ("crm", parse.GetValue(Crm)), ("integration", parse.GetValue(Integration)), ("since", parse.GetValue(Since)) }
            .Concat(extra)
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
}
