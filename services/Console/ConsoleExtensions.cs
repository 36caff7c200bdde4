using Microsoft.AspNetCore.Authentication.Cookies;

namespace LeadPlatform.OperatorConsole;

public static class ConsoleExtensions
{
    /// <summary>Razor Pages behind a cookie sign-in with an admin key, and clients for the services' APIs.</summary>
    public static IHostApplicationBuilder AddOperatorConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().Bind(builder.Configuration.GetSection(ConsoleOptions.Section)).ValidateOnStart();
        builder.Services.AddHttpClient(PlatformClient.Ingestion, (sp, c) => c.BaseAddress = Options(sp).IngestionUrl);
        builder.Services.AddHttpClient(PlatformClient.Disposition, (sp, c) => c.BaseAddress = Options(sp).DispositionUrl);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<PlatformClient>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            // The cookie holds the admin key, encrypted and signed by ASP.NET Core data protection; never readable by script.
            cookie.Cookie.Name = "lp-console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/SignIn";
            cookie.AccessDeniedPath = "/Denied";
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleUser.OperatorPolicy, p => p.RequireRole(ConsoleUser.Operator, ConsoleUser.Admin));
        // Pages come from this assembly even when the host is another one (the browser tests host it in-process).
        builder.Services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/");
                pages.Conventions.AllowAnonymousToPage("/SignIn");
            })
            .AddApplicationPart(typeof(ConsoleExtensions).Assembly);
        return builder;
    }

    public static WebApplication MapOperatorConsole(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<KeyRefusedMiddleware>();
        app.MapRazorPages();
        return app;
    }

    private static ConsoleOptions Options(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConsoleOptions>>().Value;
}
