namespace LeadPlatform.Testing;

/// <summary>Waits for something asynchronous to become true, failing with what was last seen.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                if (done(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
            {
                last = default!;
                lastError = ex;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}. Last seen: {Describe(last)}{(lastError is null ? "" : $"; last error: {lastError.Message}")}");
            }
            await Task.Delay(100);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, ok => ok, timeout, what);

    private static string Describe<T>(T value) => value switch
    {
        null => "nothing",
        System.Collections.IEnumerable items and not string => $"[{string.Join(", ", items.Cast<object>().Take(10))}]",
        _ => value.ToString() ?? "",
    };
}
