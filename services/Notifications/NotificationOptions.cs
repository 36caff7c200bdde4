using LeadPlatform.Mail;

namespace LeadPlatform.Notifications;

/// <summary>Bound from the <c>Notifications</c> configuration section.</summary>
public sealed class NotificationOptions
{
    public string From { get; set; } = "LeadPlatform <leads@leadplatform.example>";
    public SmtpSettings Smtp { get; set; } = new();
}

/// <summary>What the notifier reads from any integration's settings: who is told when a lead was delivered through it.</summary>
public sealed class NotificationSettings
{
    public List<string> NotificationRecipients { get; set; } = [];
}
