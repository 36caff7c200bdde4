namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>What a new subscription must be: an absolute https URL (plain http on localhost only where allowed), known event types.</summary>
public static class WebhookSubscriptionRules
{
    private const int MaxUrl = 2000;

    public static Dictionary<string, string[]> Validate(WebhookEndpoints.NewSubscription body, bool sourceRequired, bool allowLocalHttp)
    {
        var errors = new Dictionary<string, string[]>();
        if (UrlProblem(body.Url, allowLocalHttp) is { } urlProblem)
        {
            errors["url"] = [urlProblem];
        }
        if (body.EventTypes is not { Count: > 0 })
        {
            errors["eventTypes"] = [$"must list at least one of {string.Join(", ", WebhookEventTypes.All)}"];
        }
        else if (body.EventTypes.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
        {
            errors["eventTypes"] = [$"'{unknown}' is not one of {string.Join(", ", WebhookEventTypes.All)}"];
        }
        if (sourceRequired && LeadText.Problem(body.Source, identifier: true) is { } sourceProblem)
        {
            errors["source"] = [sourceProblem];
        }
        else if (sourceRequired && string.IsNullOrWhiteSpace(body.Source))
        {
            errors["source"] = ["is required with an admin key (the source whose lead events are sent)"];
        }
        return errors;
    }

    private static string? UrlProblem(string? url, bool allowLocalHttp)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is required";
        }
        if (url.Length > MaxUrl || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return $"must be an absolute URL without user info or fragment, at most {MaxUrl} characters";
        }
        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }
        return uri.Scheme == Uri.UriSchemeHttp && allowLocalHttp && uri.IsLoopback
            ? null
            : allowLocalHttp ? "must be https (plain http only on localhost)" : "must be https";
    }
}
