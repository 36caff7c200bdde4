using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// When no span is exported (no OTLP endpoint), the services record none: this listener has every span created
/// propagation-only, so trace ids still reach the logs, the stored trace parents (outbox, ledger, disposition) and the
/// HTTP and broker headers, but no tags, processors or exports are paid for. An OpenTelemetry sampler cannot do
/// this: on a drop the SDK creates no span under a local parent, and MassTransit writes the trace header only from
/// its own send span, so the lead's trace would break at the broker.
/// </summary>
public sealed class PropagationOnlySpans : IHostedService, IDisposable
{
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = _ => true,
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        SampleUsingParentId = (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.PropagationData,
    };

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
