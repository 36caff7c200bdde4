namespace LeadPlatform.Sandbox;

/// <summary>Plays the active fault of a CRM around a handler, the way that CRM fails.</summary>
public static class CrmFaults
{
    public static async Task<IResult> PlayAsync(HttpContext http, string crm, Func<Task<IResult>> handle)
    {
        var fault = http.RequestServices.GetRequiredService<FaultInjector>().Next(crm, creates: HttpMethods.IsPost(http.Request.Method));
        switch (fault?.Mode)
        {
            case "429":
                http.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Json(new { message = fault.Message ?? "Too many requests" }, statusCode: 429);
            case "500":
                return Results.Json(new { message = fault.Message ?? "Internal error" }, statusCode: 500);
            case "down":
                return Results.Json(new { message = "Service unavailable" }, statusCode: 503);
            case "400":
                return Results.Json(new { errors = new[] { new { field = "unknown", message = fault.Message ?? "Rejected by the CRM" } } }, statusCode: 400);
            default:
                return await TimedAsync(fault, http, handle);
        }
    }

    /// <summary>
    /// The modes every CRM plays alike, around its handler: answering slowly, and answering late after acting
    /// (so the caller times out although the record exists). Any other mode (or none) just runs the handler.
    /// </summary>
    public static async Task<IResult> TimedAsync(Fault? fault, HttpContext http, Func<Task<IResult>> handle)
    {
        switch (fault?.Mode)
        {
            case "slow":
                await Task.Delay(fault.DelayMs, http.RequestAborted);
                return await handle();
            case "timeout-after-create":
                var result = await handle();
                await Task.Delay(fault.DelayMs, CancellationToken.None);
                return result;
            default:
                return await handle();
        }
    }
}
