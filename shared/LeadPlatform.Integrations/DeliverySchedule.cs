using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Integrations;

/// <summary>
/// When an integration's deliveries go out (its <c>settings.schedule</c>): <c>"immediate"</c> (the default, also
/// when absent) or a daily batch, <c>{ "mode": "daily", "at": "02:00", "timeZone": "UTC" }</c>, for accounts whose
/// supplier leads are synchronized once a day. <c>at</c> is <c>HH:mm</c> or <c>HH:mm:ss</c> in the time zone.
/// </summary>
public sealed record DeliverySchedule(TimeOnly At, TimeZoneInfo TimeZone)
{
    public const string Immediate = "immediate";
    public const string Daily = "daily";

    /// <summary>The integration's daily batch; null when it delivers immediately (or its schedule is not valid).</summary>
    public static DeliverySchedule? Of(Integration integration) =>
        TryParse(integration.Settings, out var schedule, out _) ? schedule : null;

    /// <summary>The first batch time strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAfter(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, TimeZone);
        var candidate = local.Date + At.ToTimeSpan();
        if (candidate <= local.DateTime)
        {
            candidate = candidate.AddDays(1);
        }
        var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(candidate, DateTimeKind.Unspecified), TimeZone);
        return new DateTimeOffset(utc, TimeSpan.Zero);
    }

    /// <summary>Reads <c>schedule</c> from integration settings; false with an error when it is there but not valid.</summary>
    public static bool TryParse(JsonElement settings, out DeliverySchedule? schedule, out string? error)
    {
        schedule = null;
        error = null;
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty("schedule", out var value)
            || value.ValueKind == JsonValueKind.Null
            || (value.ValueKind == JsonValueKind.String && value.GetString() == Immediate))
        {
            return false;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            error = $"must be \"{Immediate}\" or {{ \"mode\": \"{Daily}\", \"at\": \"HH:mm\", \"timeZone\": \"UTC\" }}";
            return false;
        }
        var mode = value.TryGetProperty("mode", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        if (mode == Immediate)
        {
            return false;
        }
        if (mode != Daily)
        {
            error = $"mode must be \"{Immediate}\" or \"{Daily}\"";
            return false;
        }
        var at = value.TryGetProperty("at", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        if (at is null || !TimeOnly.TryParseExact(at, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            error = "at must be a time of day, HH:mm or HH:mm:ss";
            return false;
        }
        var zoneId = value.TryGetProperty("timeZone", out var z) && z.ValueKind == JsonValueKind.String ? z.GetString()! : "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            error = $"timeZone '{zoneId}' is not a known time zone";
            return false;
        }
        schedule = new DeliverySchedule(time, zone);
        return true;
    }
}
