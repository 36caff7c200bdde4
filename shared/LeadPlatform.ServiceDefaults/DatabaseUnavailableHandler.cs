using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// PostgreSQL unreachable (connection refused or dropped, pool exhausted by a dead server): answer <c>503</c> with
/// <c>Retry-After</c>, so a client retries instead of taking a generic <c>500</c>. Nothing was committed, so no
/// <c>2xx</c> can go out. Of the errors the server itself reports (<see cref="PostgresException"/>), only "shutting
/// down / starting up / crashed" (SQLSTATE 57P01-57P03, what a restarting PostgreSQL answers) mean unavailable; the
/// rest stay 500s. Registered by <see cref="DatabaseExtensions.AddLeadPlatformDatabase"/>, so every service with a
/// database answers so (intake, the disposition push, the admin API).
/// </summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsUnavailable(exception) || http.Response.HasStarted)
        {
            return false;
        }
        logger.LogWarning("Database unavailable, answering 503: {Error}", exception.GetType().Name);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "The database is unavailable; retry later." },
        });
    }

    private static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };
}
