using System.CommandLine;
using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary>
/// The <c>lpops</c> command tree on System.CommandLine. <see cref="RunAsync"/> is the whole CLI, callable in-process by
/// tests. Unknown options, missing arguments and bad values are errors (exit 1) before anything is sent: a typo such as
/// <c>replay --all --crn enquire</c> must never widen what an operation touches.
/// Exit codes: 0 done, 1 usage error, 2 the platform refused or did not answer, 3 a replay waited on failed again.
/// </summary>
public static class OpsCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        HttpMessageHandler? handler = null, CancellationToken ct = default)
    {
        var context = new OpsContext(output, error, handler, Terminal: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        var root = new RootCommand("lpops: LeadPlatform operations (show a lead, list and replay failed deliveries, drain error queues, unmapped dispositions)")
        {
            OpsOptions.Api, OpsOptions.AdminKey, OpsOptions.Disposition, OpsOptions.Json,
            LeadCommand.Create(context), FailedCommand.Create(context), ReplayCommand.Create(context),
            ErrorsCommand.Create(context), UnmappedCommand.Create(context),
        };
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
    }

    internal static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "";
}

/// <summary>What every command's action needs: the writers, and the HTTP handler tests may substitute.</summary>
public sealed record OpsContext(TextWriter Output, TextWriter Error, HttpMessageHandler? Handler, bool Terminal)
{
    /// <summary>Runs a command against the platform, turning its refusals and silence into messages and exit codes.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<OpsApi, OpsConsole, Task<int>> command)
    {
        using var api = new OpsApi(OpsSettings.From(parse), Handler);
        try
        {
            return await command(api, new OpsConsole(Output, parse.GetValue(OpsOptions.Json), Terminal));
        }
        catch (OpsException ex)
        {
            await Error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (HttpRequestException ex)
        {
            await Error.WriteLineAsync($"The platform does not answer: {ex.Message}");
            return 2;
        }
    }
}
