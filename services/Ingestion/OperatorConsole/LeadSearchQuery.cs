using System.ComponentModel;
using LeadPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Mvc;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>The query of <c>GET /v1/leads/search</c>; read as text, refused by name when malformed.</summary>
public sealed record LeadSearchQuery
{
    [FromQuery(Name = "accountId"), Description("Only this account's leads (a key of one account: its own only)")]
    public string? AccountId { get; init; }

    [FromQuery(Name = "source"), Description("Only this source's leads")]
    public string? Source { get; init; }

    [FromQuery(Name = "sourceLeadId"), Description("The source's own lead id")]
    public string? SourceLeadId { get; init; }

    [FromQuery(Name = "email"), Description("The prospect's email, any letter case"), QueryValue("string", "email")]
    public string? Email { get; init; }

    [FromQuery(Name = "status"), Description("Pending, Viewed, Assigned, Working, Sold, Lost or Abandoned")]
    public string? Status { get; init; }

    [FromQuery(Name = "deliveryState"), Description("Leads with a delivery in this state: planned, delivered or failed")]
    public string? DeliveryState { get; init; }

    [FromQuery(Name = "from"), Description("Accepted at or after (ISO 8601 date or date and time)"), QueryValue("string", "date-time")]
    public string? From { get; init; }

    [FromQuery(Name = "to"), Description("Accepted before (ISO 8601 date or date and time)"), QueryValue("string", "date-time")]
    public string? To { get; init; }

    [FromQuery(Name = "after"), Description("The next cursor of the previous page")]
    public string? After { get; init; }

    [FromQuery(Name = "limit"), Description("Leads per page (default 50)"), QueryValue("integer", Minimum = 1, Maximum = LeadSearchEndpoint.MaxLimit)]
    public string? Limit { get; init; }
}
