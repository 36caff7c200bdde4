namespace LeadPlatform.Ingestion.Operations;

public static class OperationsExtensions
{
    /// <summary>What the admin operations API and the outbox gauges need, the runner of operation jobs, and the removal of retired bindings.</summary>
    public static IHostApplicationBuilder AddIngestionOperations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<FailedDeliveries>();
        builder.Services.AddSingleton<ErrorQueues>();
        builder.Services.AddHttpClient(nameof(ErrorQueues));
        builder.Services.AddSingleton<OutboxBacklog>();
        builder.Services.AddSingleton<OperatorConsole.CrmCircuits>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxBacklog>());
        builder.Services.AddSingleton<OperationJobs>();
        builder.Services.AddHostedService<OperationJobRunner>();
        builder.Services.AddHostedService<RetiredBindings>();
        return builder;
    }
}
