using LeadPlatform.TraceSummary;

// Summarizes a dotnet-trace file of one service (build/profile.sh writes them):
//   alloc FILE [TOP]       where the bytes go: by type, and by the first frame of the platform's or a library's code
//   exceptions FILE [TOP]  exceptions thrown, by type, message and stack (caught ones included)
if (args.Length < 2 || args[0] is not ("alloc" or "exceptions"))
{
    Console.Error.WriteLine("usage: LeadPlatform.TraceSummary alloc|exceptions FILE.nettrace [TOP]");
    return 2;
}
var top = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 15;
using var trace = TraceFile.Open(args[1]);
if (args[0] == "alloc")
{
    Allocations.Print(trace, top, Console.Out);
}
else
{
    Exceptions.Print(trace, top, Console.Out);
}
return 0;
