using System.Runtime.InteropServices;

namespace LeadPlatform.Bench;

/// <summary>
/// Ctrl-C or SIGTERM in the middle of a run: the services the bench started are stopped and its vhost and database
/// dropped before it exits. Ending the process alone would leave the services running (SIGTERM reaches only the
/// bench) and the vhost and database behind.
/// </summary>
internal static class BenchInterruption
{
    // Held for the life of the process: a registration that is collected stops handling its signal.
    private static PosixSignalRegistration[]? _registrations;

    public static void StopPlatformsOnSignal() =>
        _registrations ??= [PosixSignalRegistration.Create(PosixSignal.SIGINT, StopAndExit), PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopAndExit)];

    private static void StopAndExit(PosixSignalContext context)
    {
        context.Cancel = true; // exit below, once cleaned up
        Console.Error.WriteLine($"bench: {context.Signal}: stopping its services, dropping its vhost and database");
        BenchPlatform.DisposeRunningAsync().GetAwaiter().GetResult();
        Environment.Exit(128 + (context.Signal == PosixSignal.SIGINT ? 2 : 15));
    }
}
