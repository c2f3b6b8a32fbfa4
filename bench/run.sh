#!/usr/bin/env bash
# Page benchmark: wrk against /healthz, an authenticated page and the bare axum ceiling,
# all in one run on this machine. Prints a markdown table for docs/benchmarks.md.
#   bench/run.sh [DURATION_SECONDS=15] [CONNECTIONS=64]
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-15}
conns=${2:-64}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet -p iop-server -p bare-axum
dir=$(mktemp -d /tmp/iop-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT

IOP_LOG=warn target/release/iop serve --demo --data-dir "$dir" --addr 127.0.0.1:18181 & pids+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:18181/healthz >/dev/null && break; sleep 0.1; done
target/release/bare-axum "$dir/iop.sqlite3" 127.0.0.1:18182 & pids+=($!)
sleep 0.5

# Sign in as the counselor the way a browser does, to get a session cookie.
jar="$dir/jar"
form=$(curl -fs -c "$jar" http://127.0.0.1:18181/login)
csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=counselor@demo.test" \
  --data-urlencode "password=demo-password" --data-urlencode "csrf=$csrf" http://127.0.0.1:18181/login
session=$(awk '$6=="iop_session"{print $7}' "$jar")
[ -n "$session" ] || { echo "sign-in failed" >&2; exit 1; }
curl -fs -H "Cookie: iop_session=$session" http://127.0.0.1:18181/dashboard | grep -q 'Dashboard' || { echo "dashboard not served" >&2; exit 1; }

run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c"$conns" -d"${dur}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c"$conns" -d"${dur}s" --latency "$2"); fi
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  printf '| %s | %s | %s | %s | %s |\n' "$1" "$rps" "$p50" "$p99" "$non2xx"
  echo "$rps" > "$dir/rps-$1"
}

echo "wrk -t2 -c$conns -d${dur}s on $(nproc) cores, $(date -u +%F)"
echo
echo "| target | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
run bare-axum-one-row http://127.0.0.1:18182/
run healthz http://127.0.0.1:18181/healthz
run dashboard-authenticated http://127.0.0.1:18181/dashboard "Cookie: iop_session=$session"
echo
ratio=$(awk -v a="$(cat "$dir/rps-dashboard-authenticated")" -v b="$(cat "$dir/rps-bare-axum-one-row")" 'BEGIN{printf "%.0f", 100*a/b}')
echo "authenticated page / bare handler: ${ratio} %"
echo "peak RSS of iop: $(awk '/VmHWM/{print $2, $3}' /proc/"${pids[0]}"/status)"
