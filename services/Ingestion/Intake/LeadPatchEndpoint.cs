using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>
/// <c>PATCH /v1/leads/{leadId}</c>: a JSON merge patch (RFC 7396) of the canonical lead. The patched lead passes
/// the same checks as a new one; a refused patch changes nothing. A change publishes <see cref="LeadUpdated"/>.
/// </summary>
public static class LeadPatchEndpoint
{
    public sealed record PatchedLead(Guid LeadId, bool Changed, int Version, IReadOnlyList<string> ChangedFields);

    /// <summary>What identifies and routes the lead; a patch may repeat them but not change them.</summary>
    private static readonly string[] Fixed = ["source", "sourceLeadId", "accountId", "conversion"];

    public static void MapLeadPatch(this RouteGroupBuilder leads) =>
        leads.MapPatch("/{leadId:guid}", PatchAsync)
            .DocumentsBody(typeof(Lead), "application/merge-patch+json", "application/json")
            .Produces<PatchedLead>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Update a lead with a JSON merge patch; its CRMs get the update under their field-update policy");

    private static async Task<IResult> PatchAsync(Guid leadId, HttpRequest request, LeadUpdates updates, LeadSubmission submission, CancellationToken ct)
    {
        if (request.ContentType is not { } contentType
            || !(contentType.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase)
                 || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            return Problems.Field("Content-Type", "Content-Type must be application/merge-patch+json or application/json", StatusCodes.Status415UnsupportedMediaType);
        }
        var (body, tooLarge) = await JsonBody.ReadLimitedAsync(request, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        JsonObject patch;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject parsed)
            {
                return Problems.Field("body", "The body must be a JSON object");
            }
            patch = parsed;
        }
        catch (JsonException ex)
        {
            return Problems.Field("body", $"Malformed JSON: {ex.Message}");
        }

        var caller = ApiKeyFilter.Caller(request.HttpContext);
        if (await updates.FindAsync(leadId, ct) is not { } stored || (caller is not null && !caller.MayChange(stored.Lead["source"]?.GetValue<string>() ?? "", stored.AccountId)))
        {
            return Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found");
        }
        foreach (var name in Fixed)
        {
            if (patch.ContainsKey(name) && !JsonNode.DeepEquals(patch[name], stored.Lead[name]))
            {
                return Problems.Field(name, "may not be changed by an update");
            }
        }

        Lead? lead;
        try
        {
            lead = LeadUpdates.MergePatch(stored.Lead, patch).Deserialize<Lead>(PlatformJson.Options);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.');
            return Problems.Field(field, $"Malformed value: {ex.Message}");
        }
        if (lead is null)
        {
            return Problems.Field("body", "The body must be a JSON object");
        }
        if (await submission.CheckAsync(lead, caller, ct) is { } rejection)
        {
            return rejection.ToResult();
        }
        var update = await updates.UpdateAsync(leadId, lead, ct);
        return update is null
            ? Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found")
            : Results.Ok(new PatchedLead(leadId, update.Changed, update.Version, update.ChangedFields));
    }
}
