namespace LeadPlatform.Connectors.Testing;

/// <summary>Bounded waits: the kit never waits forever, and says what it was waiting for when it gives up.</summary>
public static class Until
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        Exception? last = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"Waited {within.TotalSeconds:0.#} s for {what}{(last is null ? "" : $" (last error: {last.Message})")}");
    }

    public static async Task<T> ValueAsync<T>(Func<T?> value, TimeSpan within, string what) where T : class
    {
        T? found = null;
        await TrueAsync(() => Task.FromResult((found = value()) is not null), within, what);
        return found!;
    }
}
