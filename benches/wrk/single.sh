#!/usr/bin/env bash
# Single reports against GET /healthz, loaded by wrk from its own process (64 connections, one
# wrk thread), alternating three times, on a fresh demo database. A second opinion beside the
# suite's in-process load generator, whose client cost is far higher than wrk's.
#
#   cargo build --release && benches/wrk/single.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
seconds=${1:-5}
bin=${HORSERACE_BIN:-target/release/horserace}
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT

# The demo prints its tokens when it serves; keep the committee's, then serve without the
# per-token write limit (one token sends everything here).
"$bin" demo --file "$dir/bench.db" --bind 127.0.0.1:0 >"$dir/demo.out" 2>&1 &
for _ in $(seq 100); do grep -q committee "$dir/demo.out" && break; sleep 0.1; done
TOKEN=$(awk '/committee/ {print $3}' "$dir/demo.out")
export TOKEN
kill %1; wait %1 2>/dev/null || true
DATABASE_URL="$dir/bench.db" "$bin" serve --bind 127.0.0.1:18099 --write-rate 0 --log warn &
for _ in $(seq 100); do curl -sf http://127.0.0.1:18099/healthz >/dev/null && break; sleep 0.1; done

rate() { awk '/Requests\/sec/ {print $2}'; }
for run in 1 2 3; do
  health=$(wrk -t1 -c64 -d"${seconds}s" http://127.0.0.1:18099/healthz | rate)
  out=$(wrk -t1 -c64 -d"${seconds}s" -s benches/wrk/report.lua http://127.0.0.1:18099)
  single=$(echo "$out" | rate)
  echo "run $run: healthz $health req/s, single reports $single req/s ($(echo "$out" | grep errors)), ratio $(awk -v s="$single" -v h="$health" 'BEGIN {printf "%.2f", s / h}')"
done
