using OpenTelemetry;
using OpenTelemetry.Logs;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Masks emails and phones in log records before the OTLP exporter sends them: the formatted message and every string
/// attribute (a CRM's error text can echo what it was sent).
/// </summary>
public sealed class LogRedactionProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.FormattedMessage is { } message)
        {
            data.FormattedMessage = TelemetryRedaction.MaskPersonalData(message);
        }
        if (data.Attributes is { Count: > 0 } attributes && attributes.Any(a => a.Value is string text && TelemetryRedaction.MaskPersonalData(text) != text))
        {
            data.Attributes = attributes
                .Select(a => a.Value is string text ? new KeyValuePair<string, object?>(a.Key, TelemetryRedaction.MaskPersonalData(text)) : a)
                .ToList();
        }
    }
}
