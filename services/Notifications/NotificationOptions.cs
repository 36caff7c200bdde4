using LeadPlatform.Mail;

namespace LeadPlatform.Notifications;

/// <summary>Bound from the <c>Notifications</c> configuration section.</summary>
public sealed class NotificationOptions
{
    public string From { get; set; } = "LeadPlatform <leads@leadplatform.example>";
    public SmtpSettings Smtp { get; set; } = new();
}
