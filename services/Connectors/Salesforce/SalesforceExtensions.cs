namespace LeadPlatform.Connectors.Salesforce;

public static class SalesforceExtensions
{
    /// <summary>The connector pipeline on <c>connector-salesforce</c>, the OAuth token cache its integrations share, and the rate limits every instance shares.</summary>
    public static IHostApplicationBuilder AddSalesforceConnector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SalesforceTokens>();
        builder.Services.AddSingleton<SalesforceRateLimits>();
        builder.AddConnector<SalesforceConnector>(SalesforceConnector.Name);
        return builder;
    }
}
