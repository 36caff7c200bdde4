#!/usr/bin/env bash
# Benchmark the pipeline (not a test): every figure of issue 22 in one run, beside its target, printed and written to
# bench/results/latest.json (and a markdown table, latest.md). Starts sandbox, ingestion and the Enquire connector as
# Release processes on a RabbitMQ vhost and PostgreSQL database of its own (never up.sh's or the tests'), warms up,
# then: fixed rates (250 and 1,000 leads/s), the maximum rate, the maximum rate with two connector instances, a
# backlog drained by one connector instance and by two, the raw RabbitMQ.Client baseline and the bus hop; --preload N
# the same phases again with N leads stored; --soak [MINUTES] a long run at 250 leads/s. `build/bench.sh --help` lists
# the options; docs/benchmark.md explains the figures.
# --lead-search [N]: instead, the console's lead search with N leads stored (default 1,000,000; build/bench-lead-search.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh   # the services' runtime settings

bench() {
  dotnet build -c Release tools/LeadPlatform.Bench -v quiet -nologo
  dotnet tools/LeadPlatform.Bench/bin/Release/net10.0/LeadPlatform.Bench.dll "$@"
}
for arg in "$@"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then bench --help; exit 0; fi
done
build/infra.sh
if [[ "${1:-}" == "--lead-search" ]]; then shift; exec build/bench-lead-search.sh "$@"; fi
bench "$@"
