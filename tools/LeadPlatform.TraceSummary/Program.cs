using LeadPlatform.TraceSummary;

// Summarizes a dotnet-trace file of one service (build/profile.sh writes them):
//   alloc FILE [TOP]       where the bytes go: by type, and by the first frame of the platform's or a library's code
//   exceptions FILE [TOP]  exceptions thrown, by type, message and stack (caught ones included)
//   gc FILE [TOP]          collections by generation: pauses, time spent suspending, promoted bytes, by root
if (args.Length < 2 || args[0] is not ("alloc" or "exceptions" or "gc"))
{
    Console.Error.WriteLine("usage: LeadPlatform.TraceSummary alloc|exceptions|gc FILE.nettrace [TOP]");
    return 2;
}
var top = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15;
using var trace = TraceFile.Open(args[1]);
switch (args[0])
{
    case "alloc": Allocations.Print(trace, top, Console.Out); break;
    case "exceptions": Exceptions.Print(trace, top, Console.Out); break;
    default: Collections.Print(trace, top, Console.Out); break;
}
return 0;
