using LeadPlatform.Integrations;

namespace LeadPlatform.Ingestion.Admin;

public static class IntegrationValidator
{
    public static Dictionary<string, string[]> Validate(Integration integration)
    {
        var errors = new Dictionary<string, string[]>();
        if (LeadText.Problem(integration.Id, identifier: true) is { } idProblem)
        {
            errors["id"] = [idProblem];
        }
        if (LeadText.Problem(integration.AccountId, identifier: true) is { } accountProblem)
        {
            errors["accountId"] = [accountProblem];
        }
        if (integration.Settings.ValueKind != System.Text.Json.JsonValueKind.Undefined
            && integration.Settings.GetRawText().Contains("\\u0000", StringComparison.Ordinal))
        {
            errors["settings"] = ["must not contain NUL characters"];
        }
        IntegrationSecrets.Validate(errors, integration);
        if (string.IsNullOrWhiteSpace(integration.AccountId))
        {
            errors["accountId"] = ["is required"];
        }
        if (!CrmCapabilities.IsKnown(integration.Crm ?? ""))
        {
            errors["crm"] = [$"must be one of {string.Join(", ", CrmCapabilities.KnownCrms)}"];
        }
        else
        {
            var unsupported = integration.Directions.Where(d => !CrmCapabilities.Supports(integration.Crm!, d)).ToList();
            if (unsupported.Count > 0)
            {
                errors["directions"] = [$"{integration.Crm} does not support {string.Join(", ", unsupported)}"];
            }
        }
        switch (integration.Level)
        {
            case IntegrationLevels.Dealer when string.IsNullOrWhiteSpace(integration.DealerId):
                errors["dealerId"] = ["is required for a dealer-level integration"];
                break;
            case IntegrationLevels.Oem when string.IsNullOrWhiteSpace(integration.OemId):
                errors["oemId"] = ["is required for an OEM-level integration"];
                break;
            case IntegrationLevels.Account or IntegrationLevels.Dealer or IntegrationLevels.Oem:
                break;
            default:
                errors["level"] = ["must be account, dealer or oem"];
                break;
        }
        if (integration.Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            errors["endpoint"] = ["must be an absolute URL"];
        }
        // Settings typed and checked at the door: the CRM's published schema (GET /v1/crms/{crm}/settings-schema).
        foreach (var (field, messages) in SettingsSchemas.Validate(integration.Crm ?? "", integration.Settings))
        {
            errors.TryAdd(field, messages);
        }
        DeliverySchedule.TryParse(integration.Settings, out _, out var scheduleError);
        if (scheduleError is not null)
        {
            errors["settings.schedule"] = [scheduleError];
        }
        return errors;
    }
}
