using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.ServiceDefaults.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Admin keys and roles (<see cref="AdminKeyRing"/>, checked at start-up), the keys file when <c>Admin:KeysFile</c> names
    /// one (read again when it changes), and the limiter of failed authentications. For services with an admin API.
    /// </summary>
    public static IHostApplicationBuilder AddAdminKeys(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(AdminKeyRing)))
        {
            return builder;
        }
        if (builder.Configuration[$"{AdminKeysOptions.Section}:KeysFile"] is { Length: > 0 } file)
        {
            // Optional: a missing file is reported as "no admin key" by the start-up check, with how to make one.
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: true, reloadOnChange: true);
        }
        builder.Services.Configure<AdminKeysOptions>(builder.Configuration.GetSection(AdminKeysOptions.Section));
        builder.Services.Configure<AuthFailureOptions>(builder.Configuration.GetSection(AuthFailureOptions.Section));
        builder.Services.AddSingleton<AdminKeyRing>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminKeyRing>());
        builder.Services.TryAddSingleton<AuthFailureLimiter>();
        return builder;
    }
}
