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
        ["self"] = ["self", "myself", "me", "i am", "for me", "for myself", "just me"],
        ["child"] = ["child", "daughter", "son", "kid", "children", "adult child", "stepdaughter", "stepson", "step daughter", "step son",
            "stepchild", "step child", "only child", "eldest daughter", "oldest son"],
        ["child-in-law"] = ["daughter in law", "son in law", "child in law", "daughter inlaw", "son inlaw"],
        ["spouse"] = ["spouse", "husband", "wife", "partner", "hubby", "wifey", "significant other", "companion", "fiance", "fiancee",
            "boyfriend", "girlfriend", "domestic partner", "life partner"],
        ["parent"] = ["parent", "mother", "father", "mom", "dad", "mum", "mommy", "stepmother", "stepfather", "step mother", "step father"],
        ["parent-in-law"] = ["mother in law", "father in law", "parent in law", "mother inlaw", "father inlaw"],
        ["sibling"] = ["sibling", "sister", "brother", "sis", "bro", "twin", "half sister", "half brother"],
        ["sibling-in-law"] = ["sister in law", "brother in law"],
        ["grandchild"] = ["grandchild", "granddaughter", "grandson", "grand daughter", "grand son", "grandkid"],
        ["grandparent"] = ["grandparent", "grandmother", "grandfather", "grandma", "grandpa", "granny", "nana"],
        ["relative"] = ["relative", "family", "niece", "nephew", "cousin", "aunt", "uncle", "family member", "in law", "other family",
            "extended family", "godson", "goddaughter", "great niece", "great nephew"],
        // Not family: none of these may ever end on a family value (see NotFamily).
        ["friend"] = ["friend", "neighbor", "neighbour", "church member", "roommate", "family friend", "friend of family",
            "close friend", "best friend", "fellow church member", "next door neighbor", "old friend", "lifelong friend"],
        ["acquaintance"] = ["acquaintance", "ex wife", "ex husband", "former spouse", "former wife", "former husband", "business partner",
            "coworker", "co worker", "colleague", "landlord", "tenant", "employer", "employee"],
        ["professional"] = ["professional", "social worker", "case manager", "doctor", "physician", "nurse", "discharge planner",
            "care manager", "geriatric care manager", "attorney", "lawyer", "elder law attorney", "placement agent", "referral agent",
            "financial advisor", "financial planner", "accountant", "hospital", "therapist", "case worker", "caseworker",
            "ombudsman", "home health", "hospice", "senior advisor", "advisor"],
        ["guardian"] = ["guardian", "poa", "power of attorney", "durable power of attorney", "healthcare proxy", "health care proxy",
            "health care poa", "medical poa", "conservator", "legal guardian", "court appointed guardian", "trustee", "executor",
            "fiduciary", "legal representative"],
        ["caregiver"] = ["caregiver", "care giver", "caretaker", "home health aide", "aide", "cna", "personal care assistant",
            "paid caregiver", "private duty"],
        ["clergy"] = ["clergy", "pastor", "priest", "rabbi", "minister", "chaplain", "reverend", "deacon", "imam", "faith leader"],
    };

    // The concepts that are not kinship: they fall back only to other roles like them, then to the account's own fallback.
    private static readonly HashSet<string> NotFamily = ["self", "friend", "acquaintance", "professional", "guardian", "caregiver", "clergy"];

    // When the account has no value for a concept, the next broader one it may have. A role that is not family never
    // reaches a family value here: "Power of Attorney" in a list without Guardian or Professional is the fallback, not "Relative".
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
        ["guardian"] = ["professional"],
        ["caregiver"] = ["professional"],
        ["clergy"] = ["professional"],
    };

    /// <summary>Whether a concept is kinship (for the table's own checks).</summary>
    public static bool IsFamily(string concept) => Concepts.ContainsKey(concept) && !NotFamily.Contains(concept);

    /// <summary>Every phrasing the matcher knows, with its concept.</summary>
    public static IEnumerable<(string Phrase, string Concept)> Phrasings =>
        Concepts.SelectMany(c => c.Value.Select(p => (p, c.Key)));

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

    /// <summary>
    /// The concept of a phrase. Words inside a longer known phrase don't count ("family" in "friend of family", "son" in
    /// "son in law"); kinship wins over a role ("Son (POA)", "daughter and caregiver" say who the writer is); then the longest.
    /// "POA for my mother" is about the writer, so what follows " for " is only read when what precedes it says nothing.
    /// </summary>
    public static string? ConceptOf(string normalized)
    {
        var cut = normalized.IndexOf(" for ", StringComparison.Ordinal);
        if (cut > 0 && ConceptOfWhole(normalized[..cut]) is { } writer)
        {
            return writer;
        }
        return ConceptOfWhole(normalized);
    }

    private static string? ConceptOfWhole(string normalized)
    {
        var found = Phrasings.Where(x => ContainsWord(normalized, x.Phrase)).ToList();
        return found
            .Where(x => !found.Any(other => other.Phrase.Length > x.Phrase.Length && ContainsWord(other.Phrase, x.Phrase)))
            .OrderByDescending(x => IsFamily(x.Concept))
            .ThenByDescending(x => x.Phrase.Length)
            .Select(x => x.Concept)
            .FirstOrDefault();
    }

    // An account value like "Son/Daughter" or "Child or Grandchild" may stand for several concepts, one per part.
    private static HashSet<string> ConceptsOf(string rawValue) =>
        rawValue.Split(['/', ',', '&', '|', ';'], StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(part => Normalize(part).Split([" or ", " and "], StringSplitOptions.RemoveEmptyEntries))
            .Select(part => Concepts.ContainsKey(part) ? part : ConceptOf(part))
            .OfType<string>()
            .ToHashSet();

    private static readonly string[] Male = ["son", "stepson", "husband", "hubby", "father", "dad", "brother", "grandson", "grandfather",
        "grandpa", "nephew", "uncle", "boyfriend", "fiance", "stepfather", "bro", "godson"];
    private static readonly string[] Female = ["daughter", "stepdaughter", "wife", "wifey", "mother", "mom", "mum", "sister", "granddaughter",
        "grandmother", "grandma", "niece", "aunt", "girlfriend", "fiancee", "stepmother", "sis", "mommy", "granny", "nana", "goddaughter"];

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
