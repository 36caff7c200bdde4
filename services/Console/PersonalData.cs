namespace LeadPlatform.OperatorConsole;

/// <summary>Masks personal data for roles that need not see it: the first character stays, so rows stay tellable apart.</summary>
public static class PersonalData
{
    private static readonly string[] PersonalRoots = ["prospect", "contact", "comments", "interaction.repEmail", "customFields"];

    public static bool IsPersonal(string path) =>
        PersonalRoots.Any(root => path.Equals(root, StringComparison.OrdinalIgnoreCase)
                                  || path.StartsWith(root + ".", StringComparison.OrdinalIgnoreCase)
                                  || path.StartsWith(root + "[", StringComparison.OrdinalIgnoreCase));

    public static string Mask(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? value[0] + "***" + value[at..] : value[0] + "***";
    }

    public static string Show(string? value, bool seesPersonalData) => seesPersonalData ? value ?? "" : Mask(value);
}
