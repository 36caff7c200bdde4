using System.Text.Json.Nodes;

namespace LeadPlatform.Sandbox;

/// <summary><c>/sandbox/…</c>: what each CRM stand-in received, and the faults it plays.</summary>
public static class InspectionApi
{
    public static void MapInspectionApi(this WebApplication app)
    {
        var sandbox = app.MapGroup("/sandbox");
        sandbox.MapGet("/records", (string? crm, string? kind, SandboxStore store) =>
            Results.Ok(store.All(crm, kind).Select(r => new
            {
                r.Crm,
                r.Kind,
                r.Id,
                r.Version,
                r.CreatedAt,
                r.UpdatedAt,
                fields = (JsonObject)r.Fields.DeepClone(),
            })));
        sandbox.MapDelete("/records", (SandboxStore store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
        sandbox.MapGet("/faults", (FaultInjector faults) => Results.Ok(faults.Active));
        sandbox.MapPost("/faults", (Fault fault, FaultInjector faults) =>
        {
            faults.Set(fault);
            return Results.NoContent();
        });
        sandbox.MapDelete("/faults", (string? crm, FaultInjector faults) =>
        {
            faults.Clear(crm);
            return Results.NoContent();
        });
    }
}
