using System.Text;

namespace LeadPlatform.Connectors;

/// <summary>
/// Matches a free-text relationship ("my daughter", "Son-in-law", "hubby") to the closest value among an
/// account's own relationship types, else the account's fallback. Works on kinship concepts, so
/// "daughter" finds "Child", "Daughter" or "Son/Daughter", whichever the account has.
/// </summary>
public static class RelationshipMatcher
{
    // Concept → the words people write for it. Order matters only within a concept's fallbacks below.
    private static readonly Dictionary<string, string[]> Concepts = new()
    {
        ["self"] = ["self", "myself", "me", "i am", "for me"],
        ["child"] = ["child", "daughter", "son", "kid", "children", "adult child", "stepdaughter", "stepson", "step daughter", "step son",
            "stepchild", "step child"],
        ["child-in-law"] = ["daughter in law", "son in law", "child in law"],
        ["spouse"] = ["spouse", "husband", "wife", "partner", "hubby", "wifey", "significant other", "companion", "fiance", "fiancee",
            "boyfriend", "girlfriend"],
        ["parent"] = ["parent", "mother", "father", "mom", "dad", "mum", "stepmother", "stepfather"],
        ["parent-in-law"] = ["mother in law", "father in law", "parent in law"],
        ["sibling"] = ["sibling", "sister", "brother", "sis", "bro"],
        ["sibling-in-law"] = ["sister in law", "brother in law"],
        ["grandchild"] = ["grandchild", "granddaughter", "grandson", "grand daughter", "grand son"],
        ["grandparent"] = ["grandparent", "grandmother", "grandfather", "grandma", "grandpa"],
        ["relative"] = ["relative", "family", "niece", "nephew", "cousin", "aunt", "uncle", "family member", "in law"],
        ["friend"] = ["friend", "neighbor", "neighbour", "church member", "roommate", "family friend"],
        ["professional"] = ["professional", "social worker", "case manager", "doctor", "physician", "nurse", "discharge planner",
            "care manager", "attorney", "lawyer", "placement agent", "referral agent"],
        ["guardian"] = ["guardian", "poa", "power of attorney", "conservator", "caregiver", "legal guardian"],
    };

    // When the account has no value for a concept, the next broader one it may have.
    private static readonly Dictionary<string, string[]> Broader = new()
    {
        // An in-law is family, but not the account's "Child": only when it has no general family value.
        ["child-in-law"] = ["relative", "child"],
        ["parent-in-law"] = ["relative", "parent"],
        ["sibling-in-law"] = ["relative", "sibling"],
        ["grandchild"] = ["relative"],
        ["grandparent"] = ["relative"],
        ["child"] = ["relative"],
        ["parent"] = ["relative"],
        ["sibling"] = ["relative"],
        ["spouse"] = ["relative"],
        ["guardian"] = ["professional", "relative"],
    };

    public static string Match(string? raw, IReadOnlyList<string> accountValues, string fallback)
    {
        var text = Normalize(raw);
        if (text.Length == 0 || accountValues.Count == 0)
        {
            return fallback;
        }
        var exact = accountValues.FirstOrDefault(v => Normalize(v) == text);
        if (exact is not null)
        {
            return exact;
        }
        var concept = ConceptOf(text);
        if (concept is null)
        {
            return fallback;
        }
        var gender = GenderOf(text);
        foreach (var candidate in new[] { concept }.Concat(Broader.GetValueOrDefault(concept, [])))
        {
            // "stepson" among "Daughter" and "Son" is the "Son": same gender first, then neutral, then the other.
            var value = accountValues
                .Where(v => ConceptsOf(v).Contains(candidate))
                .OrderBy(v => GenderOf(Normalize(v)) is not { } g ? 1 : g == gender ? 0 : 2)
                .FirstOrDefault();
            if (value is not null)
            {
                return value;
            }
        }
        return fallback;
    }

    /// <summary>The kinship concept of a phrase: the longest known word inside it wins ("son in law" over "son").</summary>
    public static string? ConceptOf(string normalized) =>
        Concepts
            .SelectMany(c => c.Value.Select(word => (Concept: c.Key, Word: word)))
            .Where(x => ContainsWord(normalized, x.Word))
            .OrderByDescending(x => x.Word.Length)
            .Select(x => x.Concept)
            .FirstOrDefault();

    // An account value like "Son/Daughter" or "Child or Grandchild" may stand for several concepts, one per part.
    private static HashSet<string> ConceptsOf(string rawValue) =>
        rawValue.Split(['/', ',', '&', '|', ';'], StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(part => Normalize(part).Split([" or ", " and "], StringSplitOptions.RemoveEmptyEntries))
            .Select(part => Concepts.ContainsKey(part) ? part : ConceptOf(part))
            .OfType<string>()
            .ToHashSet();

    private static readonly string[] Male = ["son", "stepson", "husband", "hubby", "father", "dad", "brother", "grandson", "grandfather",
        "grandpa", "nephew", "uncle", "boyfriend", "fiance", "stepfather", "bro"];
    private static readonly string[] Female = ["daughter", "stepdaughter", "wife", "wifey", "mother", "mom", "mum", "sister", "granddaughter",
        "grandmother", "grandma", "niece", "aunt", "girlfriend", "fiancee", "stepmother", "sis"];

    // "Son/Daughter" names both: neutral.
    private static char? GenderOf(string normalized) =>
        (Male.Any(w => ContainsWord(normalized, w)), Female.Any(w => ContainsWord(normalized, w))) switch
        {
            (true, false) => 'm',
            (false, true) => 'f',
            _ => null,
        };

    private static bool ContainsWord(string text, string word) =>
        $" {text} ".Contains($" {word} ", StringComparison.Ordinal);

    private const string Accents = "àáâäãåèéêëìíîïòóôöõùúûüçñ";
    private const string Plain = "aaaaaaeeeeiiiiooooouuuucn";

    public static string Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "";
        }
        var builder = new StringBuilder(value.Length);
        // "Fiancé" is "fiance" (the platform runs with invariant globalization, so no Unicode normalization),
        // then anything but letters and digits is a word break.
        foreach (var c in value.Trim().ToLowerInvariant())
        {
            var plain = Accents.IndexOf(c) is var i and >= 0 ? Plain[i] : c;
            builder.Append(char.IsLetterOrDigit(plain) ? plain : ' ');
        }
        var words = builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w is not ("my" or "our" or "the" or "a" or "her" or "his" or "their" or "i" or "m" or "am" or "s"))
            .Select(w => w switch { "daughters" => "daughter", "sons" => "son", "mother's" => "mother", _ => w });
        return string.Join(' ', words);
    }
}
