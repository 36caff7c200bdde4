using Microsoft.AspNetCore.Authentication;

namespace LeadPlatform.OperatorConsole;

/// <summary>When a service stops accepting the signed-in key (removed from the keys file), the person is signed out.</summary>
public sealed class KeyRefusedMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (KeyRefusedException) when (!context.Response.HasStarted)
        {
            await context.SignOutAsync();
            context.Response.Redirect("/SignIn?expired=1");
        }
    }
}
