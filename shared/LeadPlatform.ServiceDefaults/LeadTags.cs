namespace LeadPlatform.ServiceDefaults;

/// <summary>The span attributes that let an SRE find every step of one lead (Jaeger: <c>lead.id=&lt;id&gt;</c>).</summary>
public static class LeadTags
{
    public const string LeadId = "lead.id";
    public const string Source = "lead.source";
    public const string AccountId = "account.id";
    public const string IntegrationId = "integration.id";
    public const string Crm = "crm";

    public static readonly string[] All = [LeadId, Source, AccountId, IntegrationId, Crm];
}
