namespace LeadPlatform.Integrations;

/// <summary>What the notifications service reads from any integration's settings: who is told when a lead was delivered through it.</summary>
public sealed class NotificationSettings
{
    public List<string> NotificationRecipients { get; set; } = [];

    /// <summary>
    /// Whether a lead through <paramref name="integration"/> (none: not in this catalog yet) may need a notification, so
    /// its messages are published for the notifications service (<c>NotificationRoute</c>). Only a listed recipient or
    /// settings that cannot be read say so; the service itself decides which addresses are valid.
    /// </summary>
    public static bool MayNotify(Integration? integration)
    {
        if (integration is null)
        {
            return true;
        }
        try
        {
            return integration.SettingsAs<NotificationSettings>().NotificationRecipients.Count > 0;
        }
        catch (IntegrationSettingsException)
        {
            return true;
        }
    }

    /// <summary>
    /// <see cref="MayNotify"/> for a lead through any of <paramref name="integrationIds"/>, looked up in the catalog.
    /// A catalog that cannot be read (its database away) says yes: the lead's messages still leave, and the
    /// notifications service decides.
    /// </summary>
    public static async Task<bool> MayNotifyAsync(IntegrationStore integrations, IEnumerable<string> integrationIds, CancellationToken ct)
    {
        try
        {
            var catalog = await integrations.AllAsync(ct);
            return integrationIds.Any(id => MayNotify(catalog.GetValueOrDefault(id)));
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return true;
        }
    }
}
