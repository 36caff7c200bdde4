using System.ComponentModel;
using LeadPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace LeadPlatform.Ingestion.Operations;

/// <summary>The query of the failed-delivery list and the batch replay; read as text, refused by name when malformed.</summary>
public sealed record DeliveryQuery
{
    [FromQuery(Name = "crm"), Description("Only this CRM's deliveries (enquire, alis, ...)")]
    public string? Crm { get; init; }

    [FromQuery(Name = "integration"), Description("Only this integration's deliveries")]
    public string? Integration { get; init; }

    [FromQuery(Name = "since"), Description("Failed at or after this time (ISO 8601)"), QueryValue("string", "date-time")]
    public string? Since { get; init; }

    [FromQuery(Name = "before"), Description("Failed before this time (ISO 8601); a replay passes when it began"), QueryValue("string", "date-time")]
    public string? Before { get; init; }

    [FromQuery(Name = "limit"), Description("At most this many (default 100)"), QueryValue("integer", Minimum = 1, Maximum = OperationsEndpoints.MaxBatch)]
    public string? Limit { get; init; }
}

/// <summary>The query of an error-queue drain.</summary>
public sealed record DrainQuery
{
    [FromQuery(Name = "limit"), Description("Move at most this many messages (default: all)"), QueryValue("integer", Minimum = 1)]
    public string? Limit { get; init; }
}
