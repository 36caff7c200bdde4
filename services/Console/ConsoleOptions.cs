namespace LeadPlatform.OperatorConsole;

/// <summary>Where the console finds the services it shows (<c>Console:IngestionUrl</c>, <c>Console:DispositionUrl</c>).</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";
    public Uri IngestionUrl { get; set; } = new("http://127.0.0.1:5080/");
    public Uri DispositionUrl { get; set; } = new("http://127.0.0.1:5090/");
    /// <summary>A trace viewer's page for one trace, <c>{traceId}</c> replaced (e.g. Jaeger's <c>http://host:16686/trace/{traceId}</c>); none: the id is shown as text.</summary>
    public string? TraceViewerUrl { get; set; }
}
