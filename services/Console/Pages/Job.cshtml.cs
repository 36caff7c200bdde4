using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace LeadPlatform.OperatorConsole.Pages;

/// <summary>A background job's progress (<see cref="ConsoleJobs"/>): reloads itself every second while it runs.</summary>
public sealed class JobModel(ConsoleJobs jobs) : PageModel
{
    public ConsoleJobs.Job Job { get; private set; } = null!;

    public IActionResult OnGet(Guid id)
    {
        if (jobs.Find(id, User.Identity?.Name ?? "") is not { } job)
        {
            return NotFound();
        }
        Job = job;
        return Page();
    }
}
