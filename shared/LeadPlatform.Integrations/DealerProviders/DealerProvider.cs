namespace LeadPlatform.Integrations.DealerProviders;

/// <summary>
/// A dealer CRM provider, as data (<c>Catalog/*.json</c>, editable at <c>/v1/dealer-providers/{id}</c>): how leads reach
/// it, whether it pushes dispositions, whether and how it can be polled, and what its statuses and activity types mean
/// in the common vocabulary. An ADF integration names its provider in <c>settings.dealerProvider</c>.
/// </summary>
public sealed record DealerProvider
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    /// <summary>The public documentation the entry is modelled on; a model, not the vendor's own specification.</summary>
    public string? ModelledOn { get; init; }
    /// <summary>Free text: what the entry guesses, what it leaves unmapped on purpose.</summary>
    public string? Notes { get; init; }
    /// <summary><see cref="DealerLeadDelivery"/>: adf-email, adf-http or api.</summary>
    public string LeadDelivery { get; init; } = DealerLeadDelivery.AdfEmail;
    /// <summary>The provider can push dispositions to <c>POST /v1/dispositions/{integrationId}/dealer</c>.</summary>
    public bool PushesDispositions { get; init; }
    /// <summary>How to read its "changes since a cursor" feed; null when it cannot be polled.</summary>
    public DealerFeed? Feed { get; init; }
    /// <summary>Raw status (as the provider spells it) onto Pending, Viewed, Assigned, Working, Sold, Lost, Abandoned.</summary>
    public IReadOnlyDictionary<string, string> Statuses { get; init; } = new Dictionary<string, string>();
    /// <summary>Raw activity type onto PhoneCall, Sms, Email, Appointment, Quote, Note.</summary>
    public IReadOnlyDictionary<string, string> Activities { get; init; } = new Dictionary<string, string>();

    public bool Supports(string direction) => direction switch
    {
        IntegrationDirections.InboundPush => PushesDispositions,
        IntegrationDirections.InboundPoll => Feed is not null,
        _ => true,
    };
}

/// <summary>
/// A provider's changes feed. Paths are dot-separated property names into the JSON answer (<c>data.items</c>); item
/// paths are relative to one item. The lead is named by whichever of lead id, ADF prospect id, CRM record id or email
/// the item carries (their paths are optional, at least one is set).
/// </summary>
public sealed record DealerFeed
{
    /// <summary>GET URL; <c>{endpoint}</c> is the integration's endpoint without a trailing slash.</summary>
    public string UrlTemplate { get; init; } = "{endpoint}/changes";
    /// <summary>Header carrying the credential, e.g. <c>Authorization</c> or <c>X-Api-Key</c>; null sends none.</summary>
    public string? AuthHeader { get; init; }
    /// <summary>The header's value; <c>{credential}</c> is the integration's <c>credentials.apiKey</c>.</summary>
    public string AuthValue { get; init; } = "{credential}";
    /// <summary>Query parameter the cursor is sent in (absent on the first read).</summary>
    public string CursorParam { get; init; } = "since";
    /// <summary>Where the answer says the next cursor; when the answer has none the poll stops.</summary>
    public string CursorPath { get; init; } = "nextCursor";
    public string ItemsPath { get; init; } = "changes";
    /// <summary>The change's own id: applied once per integration whatever is read twice.</summary>
    public string IdPath { get; init; } = "id";
    public string? LeadIdPath { get; init; }
    public string? AdfProspectIdPath { get; init; }
    public string? CrmRecordIdPath { get; init; }
    public string? EmailPath { get; init; }
    public string? StatusPath { get; init; }
    public string? ActivitiesPath { get; init; }
    public string ActivityTypePath { get; init; } = "type";
    public string? ActivityTimePath { get; init; }
    public string? ActivityDetailsPath { get; init; }
    public string TimePath { get; init; } = "occurredAt";
}

public static class DealerLeadDelivery
{
    public const string AdfEmail = "adf-email";
    public const string AdfHttp = "adf-http";
    public const string Api = "api";
    public static readonly IReadOnlyList<string> All = [AdfEmail, AdfHttp, Api];
}
