using System.Text.Json;
using LeadPlatform.Disposition.CrmPolling;
using LeadPlatform.Integrations;
using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary>CRMs polled through their own APIs (see <see cref="ICrmChangeSource"/>); the rest read the generic feed.</summary>
public sealed partial class DispositionPoller
{
    /// <summary>Applied count when a CRM source handled the integration; null when it reads the generic feed.</summary>
    private async Task<int?> PollCrmApiAsync(Integration integration, PollSettings settings, PollLeases.Claim claim, CancellationToken ct)
    {
        // A configured changesUrl means the CRM adopted the platform's feed.
        if (settings.ChangesUrl is not null)
        {
            return null;
        }
        using var scope = scopes.CreateScope();
        if (scope.ServiceProvider.GetServices<ICrmChangeSource>().FirstOrDefault(s => s.Handles(integration)) is not { } source)
        {
            return null;
        }
        var poll = new CrmPoll(claim.Cursor, async next =>
        {
            // Saved after every page under the lease: an instance that lost it cannot move the cursor backwards.
            if (!await leases.SaveCursorAsync(claim, next, options.Value.Lease, ct))
            {
                throw new LeaseLostException(integration.Id);
            }
        }, scope.ServiceProvider.GetRequiredService<IPublishEndpoint>());
        try
        {
            return await source.PollAsync(integration, poll, ct);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            // An answer in a shape we did not expect is a failed poll (backed off, kept in last_error), not a dead poller.
            throw new JsonException($"Unexpected answer from {integration.Crm}: {ex.Message}", ex);
        }
    }

    /// <summary>A CRM's rate limit (its Retry-After) is honoured on top of the exponential back-off.</summary>
    private static TimeSpan RetryAfter(Exception ex) => ex is CrmRateLimitedException { RetryAfter: { } wait } ? wait : TimeSpan.Zero;
}
