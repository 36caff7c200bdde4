namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>What the operator console (services/Console) needs from ingestion beyond the lead and admin APIs.</summary>
public static class ConsoleApi
{
    public static WebApplication MapConsoleApi(this WebApplication app)
    {
        app.MapLeadSearch();
        app.MapAdminIdentity();
        app.MapOverview();
        return app;
    }
}
