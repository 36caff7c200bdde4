using System.Diagnostics.Tracing;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using LeadPlatform.TraceSummary;
using Microsoft.Diagnostics.NETCore.Client;

namespace LeadPlatform.UnitTests.Tools;

/// <summary>
/// build/profile.sh's summaries read from a real trace: this test process traces itself over EventPipe (as
/// dotnet-trace does), allocates and throws something it can recognize, and the summary must name it.
/// </summary>
[NonParallelizable] // one EventPipe session of this process at a time; other tests' allocations would only add noise
public class TraceSummarySpecs
{
    private const long GcKeyword = 0x1, LoaderKeyword = 0x8, JitKeyword = 0x10, ExceptionKeyword = 0x8000;

    public readonly record struct Probe(long A, long B, long C, long D);

    [Test]
    public async Task Allocations_are_summarized_by_type_and_by_the_code_that_allocated_them()
    {
        var path = await TraceThisProcessAsync(GcKeyword | LoaderKeyword | JitKeyword, EventLevel.Verbose, AllocateProbes);

        var summary = Summarize(path, (trace, output) => Allocations.Print(trace, 50, output));

        Assert.That(summary, Does.Contain("MB allocated (sampled)"));
        Assert.That(summary, Does.Match(@"by type\n\s+\d+\.\d %  Probe\[\]\n"),
            "the probe's arrays, nearly all the test allocated, are the first of the types");
        Assert.That(summary, Does.Contain($"{nameof(TraceSummarySpecs)}.{nameof(AllocateProbes)}"),
            "the first frame of the platform's own code is the method that allocated");
    }

    [Test]
    public async Task Exceptions_are_counted_by_type_message_and_stack_caught_ones_included()
    {
        var path = await TraceThisProcessAsync(ExceptionKeyword | LoaderKeyword | JitKeyword, EventLevel.Informational, ThrowAndCatchProbes);

        var summary = Summarize(path, (trace, output) => Exceptions.Print(trace, 50, output));

        Assert.That(summary, Does.Match(
            @"\n\s+20  System\.InvalidOperationException: trace summary probe(\n\s+at [^\n]*)*?\n\s+at [^\n]*TraceSummarySpecs\.ThrowProbe\n"));
    }

    [Test]
    public async Task Collections_are_summarized_by_generation_with_their_pauses_and_what_kept_objects_alive()
    {
        var path = await TraceThisProcessAsync(GcKeyword, EventLevel.Informational, CollectWithProbesAlive);

        var summary = Summarize(path, (trace, output) => Collections.Print(trace, 50, output));

        Assert.That(summary, Does.Match(@"^\d+ GCs in \d+\.\d s, threads stopped \d+ ms in all\n"));
        Assert.That(summary, Does.Match(@"\n\s+2  NonConcurrentGC\s+\d+\s+\d+\.\d"), "a row per generation and type: the blocking gen2 one");
        // At least: one asked for while the GC of another test's allocations runs is done by that one (its reason not Induced).
        Assert.That(Regex.Count(summary, @"\n  #\d+ gen\d \w+ \(\w+\) at "), Is.GreaterThanOrEqualTo(4),
            "each of the test's four collections listed (the GC may do a gen0 one as a gen1)");
        Assert.That(summary, Does.Match(@"found alive, by root \(\d+ MB in all\)\n(\s+\d+\.\d %  \w+\n)*\s+\d+\.\d %  MarkStack\n"),
            "the probes the test's stack holds were found through the stack");
        Assert.That(summary, Does.Match(@"#\d+ gen2 NonConcurrentGC \(Induced\) at \d+\.\d{3} s: paused \d+\.\d ms \(suspending \d+\.\d\)"));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CollectWithProbesAlive()
    {
        var alive = new Probe[128][];
        for (var i = 0; i < alive.Length; i++)
        {
            alive[i] = new Probe[2_048]; // 64 KB each (below the large object heap's 85 KB), 8 MB held from this frame
        }
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.KeepAlive(alive);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AllocateProbes()
    {
        long sum = 0;
        for (var i = 0; i < 20_000; i++) // 20,000 x 1 KB: ~200 of the runtime's one-per-100-KB allocation samples
        {
            var probes = new Probe[32];
            probes[i % 32] = new Probe(i, i, i, i);
            sum += probes[i % 32].A;
        }
        GC.KeepAlive(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAndCatchProbes()
    {
        for (var i = 0; i < 20; i++)
        {
            try
            {
                ThrowProbe();
            }
            catch (InvalidOperationException)
            {
                // Caught, as most of the exceptions the profile is for are.
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowProbe() => throw new InvalidOperationException("trace summary probe");

    private static async Task<string> TraceThisProcessAsync(long keywords, EventLevel level, Action work)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"trace-summary-{Guid.NewGuid():N}.nettrace");
        var client = new DiagnosticsClient(Environment.ProcessId);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", level, keywords)], requestRundown: true, circularBufferMB: 256);
        await using (var file = File.Create(path))
        {
            var copy = session.EventStream.CopyToAsync(file);
            work();
            await session.StopAsync(CancellationToken.None);
            await copy.WaitAsync(TimeSpan.FromSeconds(60));
        }
        return path;
    }

    private static string Summarize(string path, Action<Microsoft.Diagnostics.Tracing.Etlx.TraceLog, TextWriter> print)
    {
        try
        {
            using var trace = TraceFile.Open(path);
            var output = new StringWriter();
            print(trace, output);
            return output.ToString();
        }
        finally
        {
            File.Delete(path);
            File.Delete(Path.ChangeExtension(path, ".etlx"));
        }
    }
}
