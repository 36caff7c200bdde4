using System.Diagnostics;

namespace LeadPlatform.Testing;

/// <summary>Runs the command-line tools that start and stop the private servers.</summary>
public static class PrivateProcesses
{
    public static bool IsRoot => System.Environment.UserName == "root";

    /// <summary>Runs a tool to completion; fails the test with its output and <paramref name="howToFix"/> when it fails.</summary>
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, string howToFix,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"Could not run {file}: {ex.Message}. {howToFix}");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{file} {string.Join(' ', args)} did not finish in time. {howToFix}");
            }
            var text = await output + await error;
            if (process.ExitCode != 0)
            {
                Assert.Fail($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {text.Trim()}. {howToFix}");
            }
            return text;
        }
    }

    /// <summary>Removes a private server's directory; one still in use is left for the OS's temp clean-up.</summary>
    public static void DeleteDirectory(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
