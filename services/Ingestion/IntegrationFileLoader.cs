using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion;

/// <summary>Loads integrations from the JSON file named by <c>Integrations:File</c> at start-up (a JSON array).</summary>
public sealed class IntegrationFileLoader(IConfiguration configuration, IntegrationStore store, ILogger<IntegrationFileLoader> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = configuration["Integrations:File"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }
        await using var file = File.OpenRead(path);
        var integrations = await JsonSerializer.DeserializeAsync<List<Integration>>(file, JsonDefaults.Options, cancellationToken) ?? [];
        foreach (var integration in integrations)
        {
            var errors = IntegrationValidator.Validate(integration);
            if (errors.Count > 0)
            {
                throw new InvalidOperationException(
                    $"Integration {integration.Id} in {path} is not valid: {string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
            }
            await store.UpsertAsync(integration, cancellationToken);
        }
        logger.LogInformation("Loaded {Count} integrations from {Path}", integrations.Count, path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
