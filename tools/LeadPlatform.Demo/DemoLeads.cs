using LeadPlatform.Contracts;

namespace LeadPlatform.Demo;

/// <summary>A few leads that show what the platform does: a self-assessor, a survey on someone's behalf.</summary>
public static class DemoLeads
{
    public static IReadOnlyList<Lead> Create(string runId) =>
    [
        new Lead
        {
            Source = "roobrik",
            SourceLeadId = $"demo-{runId}-1",
            AccountId = "sunrise-senior-living",
            Conversion = Lead.SalesOptIn,
            OccurredAt = DateTimeOffset.UtcNow,
            Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = $"edith.{runId}@example.com", Phone = "555-0100" },
            Survey = new Survey { Name = "Senior Living Fit", Outcome = "Assisted Living", ReportUrl = "https://reports.example/edith" },
        },
        new Lead
        {
            Source = "roobrik",
            SourceLeadId = $"demo-{runId}-2",
            AccountId = "sunrise-senior-living",
            Conversion = Lead.SalesOptIn,
            OccurredAt = DateTimeOffset.UtcNow,
            Prospect = new Person { FirstName = "Walter", LastName = "Hughes" },
            Contact = new Contact { FirstName = "Maria", LastName = "Hughes", Email = $"maria.{runId}@example.com", Phone = "555-0101", Relationship = "my daughter-in-law" },
            Survey = new Survey { Name = "Senior Living Fit", Outcome = "Memory Care", ContactPreference = "phone" },
        },
        new Lead
        {
            Source = "roobrik",
            SourceLeadId = $"demo-{runId}-3",
            AccountId = "sunrise-senior-living",
            Conversion = "newsletter",
            Prospect = new Person { FirstName = "Ruth", LastName = "Lee", Email = $"ruth.{runId}@example.com" },
        },
    ];
}
