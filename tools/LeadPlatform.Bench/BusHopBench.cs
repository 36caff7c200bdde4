using LeadPlatform.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadPlatform.Bench;

/// <summary>A message of the baseline's size, for the bus hop.</summary>
public sealed record BusHopProbe(string Body);

/// <summary>
/// The bus hop alone: MassTransit as the services configure it (<see cref="BusExtensions.AddLeadPlatformBus"/>:
/// publish with confirms to a durable quorum queue, the connectors' concurrency and prefetch), with as many
/// publishes in flight as the baseline. Messages/s consumed, to compare with the raw RabbitMQ.Client baseline.
/// </summary>
public static class BusHopBench
{
    private static long _consumed;

    public sealed class ProbeConsumer : IConsumer<BusHopProbe>
    {
        public Task Consume(ConsumeContext<BusHopProbe> context)
        {
            Interlocked.Increment(ref _consumed);
            return Task.CompletedTask;
        }
    }

    public static async Task<double> RunAsync(string amqpUri, TimeSpan duration, int concurrency, int outstanding = 64, int bodyBytes = 1024)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:RabbitMq"] = amqpUri;
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddLeadPlatformBus(x => x.AddConsumer<ProbeConsumer>().Endpoint(e =>
        {
            e.Name = "bench-bus-hop";
            e.ConcurrentMessageLimit = concurrency;
        }), (context, cfg) => cfg.PrefetchCount = 2 * concurrency);
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var probe = new BusHopProbe(new string('x', bodyBytes));
        try
        {
            await bus.Publish(probe); // topology and connections up before the clock starts
            await Task.Delay(500);
            Interlocked.Exchange(ref _consumed, 0);
            using var stop = new CancellationTokenSource(duration);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var publishers = Enumerable.Range(0, outstanding).Select(async _ =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await bus.Publish(probe);
                }
            }).ToList();
            await Task.WhenAll(publishers);
            return Interlocked.Read(ref _consumed) / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
