using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion.Admin;

/// <summary>
/// Seeds from the file named by <c>Integrations:File</c> at start-up: either a JSON array of integrations, or an
/// object <c>{"integrations": [...], "sourceKeys": [...], "programRules": [...]}</c>. Anything invalid stops start-up.
/// The file seeds what is missing and never overwrites: each item is written once (<see cref="FileSeeds"/>), so what the
/// admin API changed, disabled, revoked or deleted stays so across restarts and new instances.
/// </summary>
public sealed class IntegrationFileLoader(
    IConfiguration configuration, IntegrationStore store, SourceKeys sourceKeys, ProgramRules programRules, FileSeeds seeds,
    LeadPlatform.Integrations.DealerProviders.DealerProviderCatalog dealerProviders, ILogger<IntegrationFileLoader> logger)
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
        var ct = cancellationToken;
        var seeded = 0;
        foreach (var integration in content.Integrations)
        {
            // The mask means "keep what is stored", and a seed has nothing stored: a file must carry real values.
            var errors = IntegrationValidator.Validate(integration);
            await DealerDirections.CheckAsync(integration, dealerProviders, errors, ct);
            Require(path, $"Integration {integration.Id}", errors);
            Require(path, $"Integration {integration.Id}", IntegrationSecrets.Merge(integration, stored: null).Errors);
            seeded += await seeds.SeedAsync(FileSeeds.Integration, integration.Id,
                async () => await store.FindAsync(integration.Id, ct) is not null,
                () => store.InsertIfMissingAsync(integration, ct), ct) ? 1 : 0;
        }
        foreach (var key in content.SourceKeys)
        {
            Require(path, $"Source key {key.Source}", SourceKeys.Validate(key));
            seeded += await seeds.SeedAsync(FileSeeds.SourceKey, key.Source,
                () => seeds.ExistsAsync("select exists (select 1 from ingestion.source_key where lower(source) = lower(@id))", key.Source, ct),
                () => sourceKeys.UpsertAsync(key, ct), ct) ? 1 : 0;
        }
        foreach (var rule in content.ProgramRules)
        {
            Require(path, $"Program rule {rule.Id}", ProgramRule.Validate(rule));
            seeded += await seeds.SeedAsync(FileSeeds.ProgramRule, rule.Id,
                () => seeds.ExistsAsync("select exists (select 1 from ingestion.program_rule where id = @id)", rule.Id, ct),
                () => programRules.UpsertAsync(rule, ct), ct) ? 1 : 0;
        }
        logger.LogInformation("Seeded {Seeded} of {Integrations} integrations, {Keys} source keys, {Rules} program rules from {Path}; the rest were seeded before",
            seeded, content.Integrations.Count, content.SourceKeys.Count, content.ProgramRules.Count, path);
    }

    private static async Task<IntakeFile> Read(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(file, cancellationToken: ct);
        return document.RootElement.ValueKind == JsonValueKind.Array
            ? new IntakeFile { Integrations = document.RootElement.Deserialize<List<Integration>>(PlatformJson.Options) ?? [] }
            : document.RootElement.Deserialize<IntakeFile>(PlatformJson.Options) ?? new IntakeFile();
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
