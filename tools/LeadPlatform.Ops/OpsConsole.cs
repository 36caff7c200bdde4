using System.Text.Json;
using Spectre.Console;

namespace LeadPlatform.Ops;

/// <summary>
/// Where a command writes: text lines, or one JSON document with <c>--json</c>. Long runs (replay, drain) show a
/// Spectre.Console progress bar on a terminal and plain progress lines when the output is redirected or captured.
/// </summary>
public sealed class OpsConsole(TextWriter output, bool json, bool terminal)
{
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public bool Json => json;

    /// <summary>A text line; nothing in JSON mode, where the command writes its document at the end.</summary>
    public Task LineAsync(string line) => json ? Task.CompletedTask : output.WriteLineAsync(line);

    public Task WriteJsonAsync(object? value) => output.WriteLineAsync(JsonSerializer.Serialize(value, Indented));

    public async Task<T> ProgressAsync<T>(string title, Func<OpsProgress, Task<T>> work)
    {
        if (!terminal || json)
        {
            return await work(new OpsProgress(null, json ? null : output));
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context => await work(new OpsProgress(context.AddTask(title), null)));
    }
}

/// <summary>One long run's progress: the bar's value on a terminal, else the line the command wrote for it.</summary>
public sealed class OpsProgress(ProgressTask? bar, TextWriter? lines)
{
    public async Task ReportAsync(int done, int total, string line)
    {
        if (bar is not null)
        {
            bar.MaxValue = Math.Max(total, 1);
            bar.Value = done;
        }
        else if (lines is not null)
        {
            await lines.WriteLineAsync(line);
        }
    }
}
