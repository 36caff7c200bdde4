using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>The key is checked by ingestion (<c>GET /v1/admin/me</c>), which also says its name, role and account.</summary>
public sealed class SignInModel(PlatformClient platform) : PageModel
{
    public string? Error { get; private set; }
    public bool Expired { get; private set; }

    public void OnGet(bool expired = false) => Expired = expired;

    public async Task<IActionResult> OnPostAsync(string? key, [FromQuery] string? returnUrl, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            Error = "Enter your admin key.";
            return Page();
        }
        PlatformClient.Answer answer;
        try
        {
            answer = await platform.WhoIsAsync(key.Trim(), ct);
        }
        catch (HttpRequestException)
        {
            Error = "The ingestion service does not answer; try again later.";
            return Page();
        }
        if (!answer.Ok)
        {
            Error = answer.Status == HttpStatusCode.TooManyRequests
                ? "Too many failed sign-ins from here; wait a minute."
                : "This key is not valid.";
            return Page();
        }
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, answer.Body.GetProperty("name").GetString() ?? "key"),
            new(ClaimTypes.Role, answer.Body.GetProperty("role").GetString() ?? ConsoleUser.Viewer),
            new(ConsoleUser.KeyClaim, key.Trim()),
        };
        if (answer.Body.TryGetProperty("accountId", out var account) && account.GetString() is { } accountId)
        {
            claims.Add(new Claim(ConsoleUser.AccountClaim, accountId));
        }
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(new ClaimsPrincipal(identity));
        // Back to the page that asked for a sign-in; only a local one, so the link cannot send anyone elsewhere.
        return Redirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/Leads");
    }
}
