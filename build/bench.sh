#!/usr/bin/env bash
# Benchmark the pipeline (not a test): starts sandbox, ingestion and the Enquire connector as Release processes on a
# RabbitMQ vhost and PostgreSQL database of its own, drives leads over HTTP at a fixed rate and at the maximum rate,
# runs the raw RabbitMQ.Client baseline, prints a table and writes bench/results/latest.json.
# Options: --duration SECONDS (20), --warmup SECONDS (60, at 200 leads/s), --rate LEADS_PER_SECOND (250), --clients N (32, the max-rate phase),
# --connector-concurrency N (the connector's ConcurrentMessageLimit, prefetch 2N; default its own 256/512), --output PATH.
# --lead-search [N]: instead, the console's lead search with N leads stored (default 1,000,000; build/bench-lead-search.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh   # the services' runtime settings

build/infra.sh
if [[ "${1:-}" == "--lead-search" ]]; then shift; exec build/bench-lead-search.sh "$@"; fi
dotnet build -c Release tools/LeadPlatform.Bench -v quiet -nologo
dotnet tools/LeadPlatform.Bench/bin/Release/net10.0/LeadPlatform.Bench.dll "$@"
