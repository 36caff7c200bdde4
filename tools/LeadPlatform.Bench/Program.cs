using LeadPlatform.Bench;

// build/bench.sh: every figure of issue 22 in one run (see BenchOptions.Usage).
if (BenchOptions.WantsHelp(args))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
BenchInterruption.StopPlatformsOnSignal();
var report = await PipelineBench.RunAsync(options);
report.Print();
await report.SaveAsync(options.Output);
return 0;
