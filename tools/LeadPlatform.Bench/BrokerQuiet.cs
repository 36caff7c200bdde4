using System.Diagnostics;
using LeadPlatform.Testing;

namespace LeadPlatform.Bench;

/// <summary>
/// Waits until the platform's queues have been empty for a while, so a measurement of the broker alone does not share
/// the cores with services still finishing the last phase's work (outcomes are consumed after their lead's delivery).
/// </summary>
public static class BrokerQuiet
{
    // The management API refreshes its message counts every 5 s: empty for longer than that is empty.
    private static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(6);

    public static async Task WaitAsync(IsolatedEnvironment environment, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var waitingAtStart = await environment.MessagesWaitingAsync();
        var quietSince = clock.Elapsed;
        while (clock.Elapsed - quietSince < QuietFor)
        {
            if (clock.Elapsed > limit)
            {
                Console.Error.WriteLine($"the platform's queues were not quiet within {limit.TotalSeconds:0} s; measuring anyway");
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (await environment.MessagesWaitingAsync() > 0)
            {
                quietSince = clock.Elapsed;
            }
        }
        Console.Error.WriteLine($"the platform's queues: {waitingAtStart} messages (a figure up to 5 s old), empty for {QuietFor.TotalSeconds:0} s after {clock.Elapsed.TotalSeconds:0} s");
    }
}
