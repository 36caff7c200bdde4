namespace LeadPlatform.Connectors.Salesforce;

public static class SalesforceExtensions
{
    /// <summary>The connector pipeline on <c>connector-salesforce</c>, and the OAuth token cache its integrations share.</summary>
    public static IHostApplicationBuilder AddSalesforceConnector(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SalesforceTokens>();
        builder.AddConnector<SalesforceConnector>(SalesforceConnector.Name);
        return builder;
    }
}
