using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Admin;

/// <summary><c>/v1/source-keys</c> and <c>/v1/program-rules</c>: intake configuration as data, behind the <c>X-Admin-Key</c> header.</summary>
public static class IntakeAdminEndpoints
{
    public static void MapIntakeAdmin(this WebApplication app)
    {
        var keys = app.MapGroup("/v1/source-keys").AddEndpointFilter(IntegrationAdminEndpoints.RequireAdminKey);
        keys.MapGet("/", async (SourceKeys store, CancellationToken ct) => Results.Ok(await store.AllAsync(ct)))
            .Produces<IReadOnlyList<SourceKey>>();
        keys.MapPut("/{source}", async (string source, HttpRequest request, SourceKeys store, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<SourceKey>(request, ct);
            if (problem is not null)
            {
                return problem;
            }
            var candidate = body! with { Source = source };
            var errors = SourceKeys.Validate(candidate);
            if (errors.Count > 0)
            {
                return Problems.Validation(errors, "The source key is not valid.");
            }
            await store.UpsertAsync(candidate, ct);
            return Results.Ok(candidate with { Key = null });
        }).WithSummary("Set the API key (stored hashed) and allowed accounts of an upstream source")
            .DocumentsBody(typeof(SourceKey), "application/json").Produces<SourceKey>().ProducesProblems(StatusCodes.Status400BadRequest);
        keys.MapDelete("/{source}", async (string source, SourceKeys store, CancellationToken ct) =>
            await store.DeleteAsync(source, ct) ? Results.NoContent() : Problems.Status(404, $"Source {source} has no key"))
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(StatusCodes.Status404NotFound);

        var rules = app.MapGroup("/v1/program-rules").AddEndpointFilter(IntegrationAdminEndpoints.RequireAdminKey);
        rules.MapGet("/", async (ProgramRules store, CancellationToken ct) => Results.Ok(await store.AllAsync(ct)))
            .Produces<IReadOnlyList<ProgramRule>>();
        rules.MapPut("/{id}", async (string id, HttpRequest request, ProgramRules store, CancellationToken ct) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ProgramRule>(request, ct);
            if (problem is not null)
            {
                return problem;
            }
            var candidate = body! with { Id = id };
            var errors = ProgramRule.Validate(candidate);
            if (errors.Count > 0)
            {
                return Problems.Validation(errors, "The program rule is not valid.");
            }
            await store.UpsertAsync(candidate, ct);
            return Results.Ok(candidate);
        }).WithSummary("Set a program qualification rule routing 3rd-party vendor leads to an account")
            .DocumentsBody(typeof(ProgramRule), "application/json").Produces<ProgramRule>().ProducesProblems(StatusCodes.Status400BadRequest);
        rules.MapDelete("/{id}", async (string id, ProgramRules store, CancellationToken ct) =>
            await store.DeleteAsync(id, ct) ? Results.NoContent() : Problems.Status(404, $"Program rule {id} not found"))
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(StatusCodes.Status404NotFound);
    }
}
