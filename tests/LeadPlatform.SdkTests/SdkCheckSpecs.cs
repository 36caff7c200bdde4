using System.Diagnostics;
using System.Text;
using LeadPlatform.Testing;

namespace LeadPlatform.SdkTests;

/// <summary>
/// The connector SDK works for a team outside this repository: build/sdk-check.sh packs the packages, creates a
/// connector from the leadplatform-connector template in a temporary folder, restores it from the packed feed,
/// builds it and runs the conformance kit on it.
/// </summary>
[TestFixture, Category("Sdk")]
public class SdkCheckSpecs
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(12);

    [Test]
    public async Task A_connector_created_from_the_template_outside_the_repository_builds_from_the_packed_packages_and_passes_the_kit()
    {
        TestServers.RequireReachable();
        var script = Path.Combine(RepoPaths.Root, "build", "sdk-check.sh");
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("bash", [script])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = RepoPaths.Root,
            },
        };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"build/sdk-check.sh ran longer than {Limit.TotalMinutes} minutes:\n{output}");
        }
        process.WaitForExit(); // drains the redirected output

        Assert.That(process.ExitCode, Is.Zero, $"build/sdk-check.sh failed:\n{output}");
        Assert.That(output.ToString(), Does.Contain("Passed!"), "the generated connector's tests ran");
    }
}
