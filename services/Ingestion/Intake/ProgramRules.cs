using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>
/// A program qualification rule: which 3rd-party vendor leads an account takes. Every non-empty criterion must
/// match (case-insensitive); a matching lead gets the rule's account, dealer, OEM and programs.
/// </summary>
public sealed record ProgramRule
{
    public string Id { get; init; } = "";
    public string AccountId { get; init; } = "";
    /// <summary>Lower wins when several rules match.</summary>
    public int Priority { get; init; } = 100;
    /// <summary>The submitting source (the vendor's API key), e.g. <c>carsdirect</c>.</summary>
    public IReadOnlyList<string> Vendors { get; init; } = [];
    public IReadOnlyList<string> Makes { get; init; } = [];
    /// <summary>Postal-code region by prefix (<c>"941"</c> takes 94105).</summary>
    public IReadOnlyList<string> PostalPrefixes { get; init; } = [];
    /// <summary>Vehicle interest or condition: <c>buy</c>, <c>lease</c>, <c>new</c>, <c>used</c>…</summary>
    public IReadOnlyList<string> Products { get; init; } = [];
    public string? DealerId { get; init; }
    public string? OemId { get; init; }
    public IReadOnlyList<string> Programs { get; init; } = [];

    public bool Accepts(Lead lead)
    {
        var postal = lead.Prospect.Address?.PostalCode?.Trim();
        return AnyOrMatch(Vendors, v => Same(v, lead.Source))
            && AnyOrMatch(Makes, m => Same(m, lead.Vehicle?.Make))
            && AnyOrMatch(PostalPrefixes, p => postal is not null && postal.StartsWith(p.Trim(), StringComparison.OrdinalIgnoreCase))
            && AnyOrMatch(Products, p => Same(p, lead.Vehicle?.Interest) || Same(p, lead.Vehicle?.Condition));
    }

    /// <summary>The lead as routed by this rule.</summary>
    public Lead Apply(Lead lead) => lead with
    {
        AccountId = AccountId,
        DealerId = DealerId ?? lead.DealerId,
        OemId = OemId ?? lead.OemId,
        Programs = Programs.Count > 0 ? [.. (lead.Programs ?? []).Union(Programs, StringComparer.OrdinalIgnoreCase)] : lead.Programs,
    };

    public static Dictionary<string, string[]> Validate(ProgramRule rule)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(rule.Id))
        {
            errors["id"] = ["is required"];
        }
        if (string.IsNullOrWhiteSpace(rule.AccountId))
        {
            errors["accountId"] = ["is required"];
        }
        return errors;
    }

    private static bool AnyOrMatch(IReadOnlyList<string> values, Func<string, bool> match) => values.Count == 0 || values.Any(match);

    private static bool Same(string a, string? b) => b is not null && string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>The program rules (<c>ingestion.program_rule</c>), managed through the admin API or the configuration file.</summary>
public sealed class ProgramRules(NpgsqlDataSource dataSource, IntegrationStore integrations)
{
    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string AccountId { get; init; } = "";
        public int Priority { get; init; }
        public string[] Vendors { get; init; } = [];
        public string[] Makes { get; init; } = [];
        public string[] PostalPrefixes { get; init; } = [];
        public string[] Products { get; init; } = [];
        public string? DealerId { get; init; }
        public string? OemId { get; init; }
        public string[] Programs { get; init; } = [];
    }

    public async Task<IReadOnlyList<ProgramRule>> AllAsync(CancellationToken ct)
    {
        const string sql = """
            select id, account_id as AccountId, priority, vendors, makes, postal_prefixes as PostalPrefixes, products,
                   dealer_id as DealerId, oem_id as OemId, programs
              from ingestion.program_rule order by priority, id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new ProgramRule
        {
            Id = r.Id, AccountId = r.AccountId, Priority = r.Priority, Vendors = r.Vendors, Makes = r.Makes,
            PostalPrefixes = r.PostalPrefixes, Products = r.Products, DealerId = r.DealerId, OemId = r.OemId, Programs = r.Programs,
        }).ToList();
    }

    /// <summary>The first rule (by priority, then id) that accepts the lead; null when none does.</summary>
    public async Task<ProgramRule?> MatchAsync(Lead lead, CancellationToken ct) =>
        (await AllAsync(ct)).FirstOrDefault(r => r.Accepts(lead));

    public async Task UpsertAsync(ProgramRule rule, CancellationToken ct)
    {
        const string sql = """
            insert into ingestion.program_rule (id, account_id, priority, vendors, makes, postal_prefixes, products, dealer_id, oem_id, programs)
            values (@Id, @AccountId, @Priority, @Vendors, @Makes, @PostalPrefixes, @Products, @DealerId, @OemId, @Programs)
            on conflict (id) do update set account_id = excluded.account_id, priority = excluded.priority, vendors = excluded.vendors,
                makes = excluded.makes, postal_prefixes = excluded.postal_prefixes, products = excluded.products,
                dealer_id = excluded.dealer_id, oem_id = excluded.oem_id, programs = excluded.programs, updated_at = now()
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            rule.Id, rule.AccountId, rule.Priority, Vendors = rule.Vendors.ToArray(), Makes = rule.Makes.ToArray(),
            PostalPrefixes = rule.PostalPrefixes.ToArray(), Products = rule.Products.ToArray(), rule.DealerId, rule.OemId,
            Programs = rule.Programs.ToArray(),
        }, cancellationToken: ct));
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        const string sql = "delete from ingestion.program_rule where id = @id";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { id }, cancellationToken: ct)) > 0;
    }

    /// <summary>An account is known when an integration (enabled or not) or a program rule names it.</summary>
    public async Task<bool> IsKnownAccountAsync(string accountId, CancellationToken ct)
    {
        // Most leads are for accounts with an integration: the catalog routing already holds (2 s cache) answers
        // without a round trip. Program rules, and integrations younger than the cache, are asked of the database.
        if ((await integrations.AllAsync(ct)).Values.Any(i => i.AccountId == accountId))
        {
            return true;
        }
        const string sql = """
            select exists (select 1 from integrations.integration where account_id = @accountId)
                or exists (select 1 from ingestion.program_rule where account_id = @accountId)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { accountId }, cancellationToken: ct));
    }
}
