#!/usr/bin/env bash
# Profile one running service (not a test): dotnet-counters, or a dotnet-trace summarized by tools/LeadPlatform.TraceSummary.
# Start the load first (build/bench.sh in another terminal, or build/up.sh), then:
#   build/profile.sh alloc      [SERVICE] [SECONDS]   where allocations come from (a gc-verbose trace)
#   build/profile.sh exceptions [SERVICE] [SECONDS]   exceptions thrown, caught ones included
#   build/profile.sh gc         [SERVICE] [SECONDS]   its collections: pauses, time spent stopping threads, what survived
#                                                     (at low rates the trace changes them: docs/benchmark.md)
#   build/profile.sh counters   [SERVICE] [SECONDS]   .NET's System.Runtime counters (rates over the last SECONDS)
# SERVICE is the assembly's name without "LeadPlatform." (default Ingestion; e.g. Connectors.Enquire, Sandbox); with
# several instances, the first. SECONDS defaults to 15. Files go to bench/profiles/ (git-ignored).
# The tools come from the repo's manifest (.config/dotnet-tools.json, `dotnet tool restore`). Stop with their own
# --duration, not a signal: a killed dotnet-counters leaves the service's metrics session open until it restarts.
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:-}"; service="LeadPlatform.${2:-Ingestion}"; seconds="${3:-15}"
case "$kind" in alloc|exceptions|gc|counters) ;; *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
pid="$(pgrep -f "^(\S*/)?dotnet (\S*/)?${service//./\\.}\.dll( |$)" | head -1 || true)"  # not up.sh's restart wrapper
[ -n "$pid" ] || { echo "profile: no running $service.dll (start build/bench.sh or build/up.sh first)" >&2; exit 1; }
dotnet tool restore >/dev/null
mkdir -p bench/profiles
out="bench/profiles/${service#LeadPlatform.}-$kind-$(date -u +%Y%m%dT%H%M%S)"
window="00:00:00:$seconds"
case "$kind" in
  counters)
    # Rates (allocated bytes, GCs, work items) come from the second report on: one to start, one over the window.
    dotnet tool run dotnet-counters collect -p "$pid" --duration "00:00:00:$((seconds * 2))" --refresh-interval "$seconds" \
      --format csv -o "$out.csv" >/dev/null
    last="$(tail -1 "$out.csv" | cut -d, -f1)"
    grep "^$last," "$out.csv" | cut -d, -f3- | sort ;;
  alloc|exceptions|gc)
    case "$kind" in
      alloc) profile=(--profile gc-verbose) ;;
      exceptions) profile=(--providers Microsoft-Windows-DotNETRuntime:0x8000:4) ;;  # the Exception keyword
      gc) profile=(--providers Microsoft-Windows-DotNETRuntime:0x1:4) ;;             # the GC keyword, no stacks
    esac
    dotnet tool run dotnet-trace collect -p "$pid" "${profile[@]}" --duration "$window" -o "$out.nettrace" >/dev/null
    dotnet build -c Release tools/LeadPlatform.TraceSummary -v quiet -nologo >/dev/null
    dotnet tools/LeadPlatform.TraceSummary/bin/Release/net10.0/LeadPlatform.TraceSummary.dll "$kind" "$out.nettrace" ;;
esac
echo "written to $out.*"
