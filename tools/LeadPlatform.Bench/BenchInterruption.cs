using System.Runtime.InteropServices;

namespace LeadPlatform.Bench;

/// <summary>
/// Ctrl-C or SIGTERM in the middle of a run: the services the bench started are stopped and its vhost and database
/// dropped before it exits. Ending the process alone would leave the services running (SIGTERM reaches only the
/// bench) and the vhost and database behind.
/// </summary>
internal static class BenchInterruption
{
    public static IDisposable StopPlatformsOnSignal()
    {
        var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM }
            .Select(signal => PosixSignalRegistration.Create(signal, StopAndExit))
            .ToArray();
        return new Registrations(registrations);
    }

    private static void StopAndExit(PosixSignalContext context)
    {
        context.Cancel = true; // exit below, once cleaned up
        Console.Error.WriteLine($"bench: {context.Signal}: stopping its services, dropping its vhost and database");
        BenchPlatform.DisposeRunningAsync().GetAwaiter().GetResult();
        Environment.Exit(128 + (context.Signal == PosixSignal.SIGINT ? 2 : 15));
    }

    private sealed class Registrations(PosixSignalRegistration[] all) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in all)
            {
                registration.Dispose();
            }
        }
    }
}
