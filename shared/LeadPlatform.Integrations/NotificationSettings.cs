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
}
