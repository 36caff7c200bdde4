#!/usr/bin/env bash
# The connector SDK as a CRM team meets it: pack the SDK packages to a local feed (a version of this run's own, so
# no cached copy is used), install the leadplatform-connector template, create a connector in a temporary folder
# outside the repository, restore it from that feed plus the normal NuGet source, build it and run its tests (the
# conformance kit against the real RabbitMQ and PostgreSQL). Exits non-zero on any failure.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lp-sdk-check.XXXXXX")
base=$(sed -n 's:.*<LeadPlatformSdkVersion>\(.*\)</LeadPlatformSdkVersion>.*:\1:p' "$repo/version.props")
version="$base-check.$(date +%s).$$"
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
cleanup() {
  rm -rf "$work"
  # This run's packages in the global cache are never used again.
  for id in contracts servicedefaults integrations connectors connectors.testing; do rm -rf "$packages/leadplatform.$id/$version"; done
}
trap cleanup EXIT

echo "sdk-check: packing LeadPlatform SDK $version"
# The packages are packed from the repository's (Debug) build, brought up to date first; one solution of the
# packable projects packs them in one go.
dotnet build "$repo/shared/LeadPlatform.Connectors.Testing" --nologo -v q >/dev/null
dotnet new sln -n sdk -o "$work" >/dev/null
dotnet sln "$work/sdk.slnx" add "$repo/contracts/LeadPlatform.Contracts" "$repo/shared/LeadPlatform.ServiceDefaults" \
  "$repo/shared/LeadPlatform.Integrations" "$repo/shared/LeadPlatform.Connectors" "$repo/shared/LeadPlatform.Connectors.Testing" >/dev/null
dotnet pack "$work/sdk.slnx" --no-build -c Debug -o "$work/feed" -p:LeadPlatformSdkVersion="$version" --nologo -v q
echo "sdk-check: packed in ${SECONDS}s"

echo "sdk-check: creating a connector from the template"
hive="$work/template-hive"
dotnet new install "$repo/templates/leadplatform-connector" --debug:custom-hive "$hive" >/dev/null
dotnet new leadplatform-connector -n Contoso -o "$work/contoso" --SdkVersion "$version" --debug:custom-hive "$hive" >/dev/null
echo "sdk-check: created in ${SECONDS}s"

cd "$work/contoso"
echo "sdk-check: restoring, building and testing $work/contoso"
dotnet restore Contoso.Tests --source "$work/feed" --source https://api.nuget.org/v3/index.json -v q
dotnet build Contoso.Tests --no-restore --nologo -v q
echo "sdk-check: built in ${SECONDS}s"
dotnet test Contoso.Tests --no-build --nologo
echo "sdk-check: passed in ${SECONDS}s"
