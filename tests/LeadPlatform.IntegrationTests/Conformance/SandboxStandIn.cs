using System.Text.Json.Nodes;
using LeadPlatform.Connectors.Testing;
using LeadPlatform.Sandbox;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;

namespace LeadPlatform.IntegrationTests.Conformance;

/// <summary>The platform's CRM sandbox, hosted in the test process, as the conformance kit's stand-in of one CRM.</summary>
public sealed class SandboxStandIn : ICrmStandIn
{
    private readonly string _crm;
    private readonly InProcessService _sandbox;

    private SandboxStandIn(string crm, InProcessService sandbox)
    {
        _crm = crm;
        _sandbox = sandbox;
    }

    public Uri BaseAddress => _sandbox.BaseAddress;

    private SandboxClient Api => new(_sandbox.Client);

    public static async Task<ICrmStandIn> StartAsync(string crm, Dictionary<string, string?>? settings = null)
    {
        var sandbox = await InProcessService.StartAsync($"{crm}-conformance-sandbox", settings ?? new Dictionary<string, string?>(),
            b => { b.AddServiceDefaults(); b.AddSandbox(); },
            a => { a.MapDefaultEndpoints(); a.MapSandbox(); });
        return new SandboxStandIn(crm, sandbox);
    }

    public async Task<IReadOnlyList<StandInRecord>> RecordsWithEmailAsync(string email) =>
        (await Api.RecordsAsync(_crm)).Where(r => Carries(r.Fields, email)).Select(r => new StandInRecord(r.Kind, r.Id, r.Version)).ToList();

    public Task FailAsync(CrmFault fault) => Api.FaultAsync(new
    {
        crm = _crm,
        mode = fault.Kind switch
        {
            CrmFaultKind.Throttled => "429",
            CrmFaultKind.ServerError => "500",
            CrmFaultKind.Refused => "400",
            CrmFaultKind.TimeoutAfterCreate => "timeout-after-create",
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        },
        count = fault.Count,
        retryAfterSeconds = (int)Math.Ceiling(fault.RetryAfter.TotalSeconds),
        delayMs = (int)fault.Delay.TotalMilliseconds,
        message = fault.Message,
    });

    public Task ClearFaultsAsync() => Api.ClearFaultsAsync(_crm);

    /// <summary>Whether any field (at any depth) holds exactly this email: each CRM names and nests it its own way.</summary>
    private static bool Carries(JsonNode? node, string email) => node switch
    {
        JsonObject o => o.Any(p => Carries(p.Value, email)),
        JsonArray a => a.Any(n => Carries(n, email)),
        JsonValue v => v.TryGetValue<string>(out var text) && string.Equals(text, email, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    public ValueTask DisposeAsync() => _sandbox.DisposeAsync();
}
