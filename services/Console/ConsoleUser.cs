using System.Security.Claims;

namespace LeadPlatform.OperatorConsole;

/// <summary>The signed-in person: their admin key's name, role, account (account viewers) and the key itself.</summary>
public static class ConsoleUser
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";
    public const string OperatorPolicy = "operator";
    public const string KeyClaim = "lp:admin-key";
    public const string AccountClaim = "lp:account";

    public static string? Key(this ClaimsPrincipal user) => user.FindFirstValue(KeyClaim);
    public static string? Account(this ClaimsPrincipal user) => user.FindFirstValue(AccountClaim);
    public static string Role(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? Viewer;
    public static bool MayReplay(this ClaimsPrincipal user) => user.IsInRole(Operator) || user.IsInRole(Admin);

    /// <summary>Viewers read leads to follow their delivery, not to contact people: names, emails and phones are masked.</summary>
    public static bool SeesPersonalData(this ClaimsPrincipal user) => user.MayReplay();
}
