#!/usr/bin/env bash
# A local trace viewer without Docker: the standalone .NET Aspire dashboard, whose binaries ship in the NuGet package
# Aspire.Dashboard.Sdk.linux-x64 (restored like any package), run unsecured on 127.0.0.1 only: OTLP in on
# $LP_TRACES_OTLP_PORT, the UI and its telemetry API on $LP_TRACES_UI_PORT. Sourced by build/up.sh --traces and the tests.
LP_TRACES_VERSION=13.6.5
LP_TRACES_UI_PORT=${LP_TRACES_UI_PORT:-18888}
LP_TRACES_OTLP_PORT=${LP_TRACES_OTLP_PORT:-18889}

# Prints the dashboard's executable, restoring its package into the NuGet global packages folder first if needed.
lp_traces_install() {
  local packages dir project
  packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
  dir="${packages%/}/aspire.dashboard.sdk.linux-x64/$LP_TRACES_VERSION/tools"
  if [ ! -f "$dir/Aspire.Dashboard" ]; then
    project=$(mktemp -d)
    cat >"$project/trace-viewer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Aspire.Dashboard.Sdk.linux-x64" Version="[$LP_TRACES_VERSION]" />
  </ItemGroup>
</Project>
EOF
    dotnet restore "$project/trace-viewer.csproj" -v quiet >&2
    rm -rf "$project"
  fi
  chmod +x "$dir/Aspire.Dashboard"
  echo "$dir/Aspire.Dashboard"
}

# Starts the viewer in the background (pid in $1), waits until it answers, and points services started after it at it.
lp_traces_start() {
  local pidfile=$1 log=$2 viewer
  viewer=$(lp_traces_install)
  if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
    ASPNETCORE_URLS="http://127.0.0.1:$LP_TRACES_UI_PORT" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$LP_TRACES_OTLP_PORT" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
      setsid nohup "$viewer" >"$log" 2>&1 &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$LP_TRACES_UI_PORT/api/telemetry/resources" && break
    sleep 0.5
  done
  curl -sf -o /dev/null "http://127.0.0.1:$LP_TRACES_UI_PORT/api/telemetry/resources" || { echo "traces: the viewer did not answer; see $log" >&2; return 1; }
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$LP_TRACES_OTLP_PORT" OTEL_EXPORTER_OTLP_PROTOCOL=grpc
}

# The viewer's page of the trace whose spans carry lead.id=$1 (the traces page when it has not arrived within 20 s).
lp_traces_link() {
  local lead=$1 trace=""
  for _ in $(seq 1 40); do
    trace=$(curl -sf "http://127.0.0.1:$LP_TRACES_UI_PORT/api/telemetry/spans" | python3 -c '
import json, sys
lead = sys.argv[1]
for resource in json.load(sys.stdin)["data"]["resourceSpans"]:
    for scope in resource.get("scopeSpans", []):
        for span in scope.get("spans", []):
            if any(a.get("key") == "lead.id" and a.get("value", {}).get("stringValue") == lead for a in span.get("attributes", [])):
                print(span["traceId"]); sys.exit()
' "$lead" 2>/dev/null || true)
    [ -n "$trace" ] && break
    sleep 0.5
  done
  if [ -n "$trace" ]; then
    echo "http://127.0.0.1:$LP_TRACES_UI_PORT/traces/detail/$trace"
  else
    echo "http://127.0.0.1:$LP_TRACES_UI_PORT/traces"
  fi
}
