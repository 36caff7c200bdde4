using System.Text.Json;
using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion;

/// <summary>
/// Loads the file named by <c>Integrations:File</c> at start-up: either a JSON array of integrations, or an
/// object <c>{"integrations": [...], "sourceKeys": [...], "programRules": [...]}</c>. Anything invalid stops start-up.
/// </summary>
public sealed class IntegrationFileLoader(
    IConfiguration configuration, IntegrationStore store, SourceKeys sourceKeys, ProgramRules programRules, ILogger<IntegrationFileLoader> logger)
    : IHostedService
{
    public sealed record IntakeFile
    {
        public List<Integration> Integrations { get; init; } = [];
        public List<SourceKey> SourceKeys { get; init; } = [];
        public List<ProgramRule> ProgramRules { get; init; } = [];
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = configuration["Integrations:File"];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }
        var content = await Read(path, cancellationToken);
        foreach (var integration in content.Integrations)
        {
            Require(path, $"Integration {integration.Id}", IntegrationValidator.Validate(integration));
            await store.UpsertAsync(integration, cancellationToken);
        }
        foreach (var key in content.SourceKeys)
        {
            Require(path, $"Source key {key.Source}", SourceKeys.Validate(key));
            await sourceKeys.UpsertAsync(key, cancellationToken);
        }
        foreach (var rule in content.ProgramRules)
        {
            Require(path, $"Program rule {rule.Id}", ProgramRule.Validate(rule));
            await programRules.UpsertAsync(rule, cancellationToken);
        }
        logger.LogInformation("Loaded {Integrations} integrations, {Keys} source keys, {Rules} program rules from {Path}",
            content.Integrations.Count, content.SourceKeys.Count, content.ProgramRules.Count, path);
    }

    private static async Task<IntakeFile> Read(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(file, cancellationToken: ct);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? new IntakeFile { Integrations = document.RootElement.Deserialize<List<Integration>>(JsonDefaults.Options) ?? [] }
            : document.RootElement.Deserialize<IntakeFile>(JsonDefaults.Options) ?? new IntakeFile();
    }

    private static void Require(string path, string what, Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"{what} in {path} is not valid: {string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
