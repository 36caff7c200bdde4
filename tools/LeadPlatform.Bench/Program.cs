using LeadPlatform.Bench;

// build/bench.sh: the pipeline at a fixed rate and at the maximum rate, and the raw RabbitMQ baseline.
var options = BenchOptions.Parse(args);
var report = await PipelineBench.RunAsync(options);
report.Print();
await report.SaveAsync(options.Output);
