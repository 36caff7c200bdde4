using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// The console's JSON log line (the shape of .NET's built-in JSON formatter: Timestamp, EventId, LogLevel, Category,
/// Message, Exception, State, Scopes) with emails and phones masked in every string, as <see cref="LogRedactionProcessor"/>
/// masks what OTLP exports. The built-in formatter is internal and cannot be wrapped, hence this one.
/// </summary>
public sealed class RedactingJsonConsoleFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "leadplatform-json";

    // Each thread reuses its buffers: the connector writes a line per delivered lead, and a new stream, writer buffer
    // and string per line were an eighth of its allocations at full speed (docs/benchmark.md, "Allocations per lead").
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_utf8;
    [ThreadStatic] private static char[]? t_chars;
    private const int LargestKeptLine = 16 * 1024; // a longer line (an exception's stack) leaves no buffer behind

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (logEntry.Exception is null && message is null)
        {
            return;
        }
        var o = options.CurrentValue;
        var utf8 = t_utf8 ?? new ArrayBufferWriter<byte>(1024);
        t_utf8 = null; // taken, in case something this line formats logs on the same thread
        utf8.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(utf8, o.JsonWriterOptions))
        {
            writer.WriteStartObject();
            if (o.TimestampFormat is { } format)
            {
                var now = o.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
                Span<char> stamp = stackalloc char[64];
                if (now.TryFormat(stamp, out var length, format, CultureInfo.InvariantCulture))
                {
                    writer.WriteString("Timestamp", stamp[..length]);
                }
                else
                {
                    writer.WriteString("Timestamp", now.ToString(format, CultureInfo.InvariantCulture));
                }
            }
            writer.WriteNumber("EventId", logEntry.EventId.Id);
            writer.WriteString("LogLevel", logEntry.LogLevel.ToString());
            writer.WriteString("Category", logEntry.Category);
            var masked = Mask(message);
            writer.WriteString("Message", masked);
            if (logEntry.Exception is not null)
            {
                writer.WriteString("Exception", Mask(logEntry.Exception.ToString()));
            }
            if (logEntry.State is not null)
            {
                writer.WriteStartObject("State");
                var stateMessage = logEntry.State.ToString();
                writer.WriteString("Message", stateMessage == message ? masked : Mask(stateMessage));
                if (logEntry.State is IReadOnlyCollection<KeyValuePair<string, object?>> properties)
                {
                    WriteItems(writer, properties);
                }
                writer.WriteEndObject();
            }
            if (o.IncludeScopes && scopeProvider is not null)
            {
                writer.WriteStartArray("Scopes");
                scopeProvider.ForEachScope((scope, w) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                    {
                        w.WriteStartObject();
                        w.WriteString("Message", Mask(scope.ToString()));
                        WriteItems(w, items);
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteStringValue(Mask(scope?.ToString()));
                    }
                }, writer);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        var bytes = utf8.WrittenSpan;
        var chars = t_chars is { } kept && kept.Length >= Encoding.UTF8.GetMaxCharCount(bytes.Length)
            ? kept
            : new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        textWriter.Write(chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars)));
        textWriter.Write(Environment.NewLine);
        if (utf8.Capacity <= LargestKeptLine)
        {
            t_utf8 = utf8;
            t_chars = chars;
        }
    }

    private static void WriteItems(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, object?>> items)
    {
        foreach (var (key, value) in items)
        {
            switch (value)
            {
                case bool b: writer.WriteBoolean(key, b); break;
                case int or long or short or byte or uint or ulong or ushort or sbyte:
                    writer.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                case double d when double.IsFinite(d): writer.WriteNumber(key, d); break;
                case float f when float.IsFinite(f): writer.WriteNumber(key, f); break;
                case decimal m: writer.WriteNumber(key, m); break;
                case null: writer.WriteNull(key); break;
                default: writer.WriteString(key, Mask(Convert.ToString(value, CultureInfo.InvariantCulture))); break;
            }
        }
    }

    private static string Mask(string? text) => text is null ? "" : TelemetryRedaction.MaskPersonalData(text);
}
