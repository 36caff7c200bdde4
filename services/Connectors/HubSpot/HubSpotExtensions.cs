namespace LeadPlatform.Connectors.HubSpot;

public static class HubSpotExtensions
{
    /// <summary>The connector pipeline on <c>connector-hubspot</c>, and the per-integration rate limits its calls (of every instance) share.</summary>
    public static IHostApplicationBuilder AddHubSpotConnector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<HubSpotRateLimits>();
        builder.AddConnector<HubSpotConnector>(HubSpotConnector.Name);
        return builder;
    }
}
