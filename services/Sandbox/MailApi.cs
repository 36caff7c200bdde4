namespace LeadPlatform.Sandbox;

/// <summary><c>/sandbox/mail</c>: what the mail sink received (optionally only mail to one recipient), and clearing it.</summary>
public static class MailApi
{
    public static IHostApplicationBuilder AddMailSink(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<MailSinkOptions>(builder.Configuration.GetSection("Sandbox:Mail"));
        builder.Services.AddSingleton<MailSinkStore>();
        builder.Services.AddHostedService<MailSink>();
        return builder;
    }

    public static void MapMailApi(this WebApplication app)
    {
        app.MapGet("/sandbox/mail", (string? to, MailSinkStore store) => Results.Ok(store.All
            .Where(m => to is null || m.To.Contains(to, StringComparer.OrdinalIgnoreCase))
            .Select(m => new { m.Id, m.ReceivedAt, m.From, m.To, m.MessageId, m.Subject, m.Text })));
        app.MapDelete("/sandbox/mail", (MailSinkStore store) =>
        {
            store.Clear();
            return Results.NoContent();
        });
    }
}
