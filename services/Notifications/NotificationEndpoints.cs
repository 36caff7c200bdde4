using System.ComponentModel;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;

namespace LeadPlatform.Notifications;

/// <summary><c>GET /v1/notifications</c>: the notification emails' states (sent, retrying, failed) with attempts and the last SMTP error.</summary>
public static class NotificationEndpoints
{
    private static readonly string[] States = [NotificationDeliveries.Sent, NotificationDeliveries.Retrying, NotificationDeliveries.Failed];

    public static WebApplication MapNotifications(this WebApplication app)
    {
        app.MapGet("/v1/notifications", ListAsync).RequireRole(AdminRole.Viewer)
            .WithSummary("Lead notification emails and their state, newest first; filter by leadId or state (X-Admin-Key, viewer)")
            .Produces<IReadOnlyList<NotificationDeliveries.Row>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static async Task<IResult> ListAsync([Description("Only this lead's notifications")] Guid? leadId,
        [Description("sent, retrying or failed")] string? state,
        [Description("At most this many, 1-500 (default 100)")] int? limit, NotificationDeliveries deliveries, CancellationToken ct)
    {
        if (state is not null && !States.Contains(state))
        {
            return Problems.Field("state", $"state is one of {string.Join(", ", States)}");
        }
        if (limit is < 1 or > 500)
        {
            return Problems.Field("limit", "limit is between 1 and 500");
        }
        return Results.Ok(await deliveries.ListAsync(leadId, state, limit ?? 100, ct));
    }
}
