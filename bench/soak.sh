#!/usr/bin/env bash
# Soak: the demo served for minutes at 64 connections over a mix of staff pages, API reads
# and durable attendance writes. Prints markdown for docs/benchmarks.md: requests/s,
# errors and timeouts (goal 0), p50/p99, and RSS after the warm-up, every minute and at the
# end (goal: under 10 % growth after the warm-up).
#   bench/soak.sh [SECONDS=300] [CONNECTIONS=64]
# With BENCH_PG_URL=postgres://user@host:port/db (an empty database it may fill), the soak
# runs a second time on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-300}
conns=${2:-64}
warmup=30
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet -p iop-server
dir=$(mktemp -d /tmp/iop-soak.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
base=http://127.0.0.1:18191

# shellcheck source=bench/lib.sh
. bench/lib.sh
rss_mb() { awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/"$1"/status; }

soak() { # label db-args...
  local label=$1; shift
  IOP_LOG=warn target/release/iop "$@" serve --demo --addr 127.0.0.1:18191 2>"$dir/serve.log" & local pid=$!
  pids+=("$pid")
  wait_up "$base/healthz"
  local counselor director
  counselor=$(cookie_of counselor); director=$(cookie_of director)
  token=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"email":"director@demo.test","password":"demo-password"}' "$base/api/v1/auth/token" | json 'd["token"]')
  local patient session from to mark
  patient=$(api /api/v1/census | json '[e["patient_id"] for p in d for e in (p["patients"] or [])][0]')
  from=$(date -u -d '-8 days' +%F); to=$(date -u -d '-1 days' +%F)
  session=$(api "/api/v1/sessions?from=$from&to=$to" | json '[s["id"] for s in d if s["kind"]=="core"][-1]')
  mark=$(api "/api/v1/sessions/$session/roster" | json 'json.dumps([{"patient_id": d["lines"][0]["patient_id"], "mark": "present"}]).replace("\"", "\\\"")')
  # One request in eight is a durable write; the rest are what staff read on a group night.
  cat > "$dir/mix.lua" <<LUA
local cookie_c, cookie_d = "$counselor", "$director"
local bearer = "Bearer $token"
local reqs = {
  wrk.format("GET", "/dashboard", {["Cookie"] = cookie_c}),
  wrk.format("GET", "/sessions/$session", {["Cookie"] = cookie_d}),
  wrk.format("GET", "/patients/$patient", {["Cookie"] = cookie_d}),
  wrk.format("GET", "/tonight", {["Cookie"] = cookie_c}),
  wrk.format("GET", "/api/v1/census", {["Authorization"] = bearer}),
  wrk.format("GET", "/api/v1/sessions/$session/roster", {["Authorization"] = bearer}),
  wrk.format("GET", "/api/v1/patients/$patient/chart", {["Authorization"] = bearer}),
  wrk.format("PUT", "/api/v1/sessions/$session/attendance",
    {["Authorization"] = bearer, ["Content-Type"] = "application/json"}, "$mark"),
}
local i = 0
request = function()
  i = i % #reqs + 1
  return reqs[i]
end
LUA
  wrk -t2 -c"$conns" -d"${warmup}s" --timeout 2s -s "$dir/mix.lua" "$base" >/dev/null
  local warm; warm=$(rss_mb "$pid")
  local samples="$dir/rss"
  : > "$samples"
  ( for _ in $(seq $((secs / 60))); do sleep 60; rss_mb "$pid" >> "$samples"; echo >> "$samples"; done ) & local sampler=$!
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --timeout 2s --latency -s "$dir/mix.lua" "$base")
  kill "$sampler" 2>/dev/null || true
  local end; end=$(rss_mb "$pid")
  local rps p50 p99 total non2xx socket
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  total=$(awk '/requests in/{print $1}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  socket=$(awk '/Socket errors/{print}' <<<"$out"); socket=${socket:-"Socket errors: none"}
  local errors5xx; errors5xx=$(grep -c '"status":5\|status=5[0-9][0-9]' "$dir/serve.log" || true)
  echo
  echo "### $label"
  echo
  echo "| requests | requests/s | p50 | p99 | non-2xx | socket errors and timeouts (2 s) | RSS after ${warmup} s warm-up | RSS each minute | RSS at the end | growth |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '| %s | %s | %s | %s | %s | %s | %s MB | %s | %s MB | %s |\n' "$total" "$rps" "$p50" "$p99" "$non2xx" \
    "${socket#Socket errors: }" "$warm" "$(tr -s '\n' ' ' < "$samples" | sed 's/ *$//; s/ / → /g') MB" "$end" \
    "$(awk -v a="$warm" -v b="$end" 'BEGIN{printf "%+.1f %%", 100*(b-a)/a}')"
  echo
  echo "Server errors in its log: $errors5xx."
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "wrk -t2 -c$conns --timeout 2s, ${warmup} s warm-up then ${secs} s, on $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
soak "SQLite (synchronous=FULL, WAL)" --data-dir "$dir/sqlite"
if [ -n "${BENCH_PG_URL:-}" ]; then
  soak "PostgreSQL ($BENCH_PG_URL)" --database-url "$BENCH_PG_URL"
fi
