#!/usr/bin/env bash
# Page and write benchmark (part of bench/run.sh): wrk against the bare axum ceiling
# (one SQLite row), /healthz, the staff pages as their roles, and durable attendance
# writes, all in one run on this machine. Prints markdown for docs/benchmarks.md.
#   bench/pages.sh [DURATION_SECONDS=15] [CONNECTIONS=64]
# With BENCH_PG_DB=postgres://user@host:port/db (an empty database it may fill), the
# iop figures are taken a second time on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-15}
conns=${2:-64}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet -p iop-server -p bare-axum
dir=$(mktemp -d /tmp/iop-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$dir"' EXIT
base=http://127.0.0.1:18181

# shellcheck source=bench/lib.sh
. bench/lib.sh

run() { # name url header [script]
  local out rps p50 p99 non2xx
  out=$(wrk -t2 -c"${conc:-$conns}" -d"${dur}s" --latency -H "$3" ${4:+-s "$4"} "$2")
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  local pct=""
  [ -n "${ceiling:-}" ] && pct=$(awk -v a="$rps" -v b="$ceiling" 'BEGIN{printf "%.0f %%", 100*a/b}')
  local rss=""
  [ -n "${rss_of:-}" ] && rss="$(awk '/VmRSS/{printf "%.0f MB", $2/1024}' /proc/"$rss_of"/status)"
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$rps" "$pct" "$p50" "$p99" "$non2xx" "$rss"
  last_rps=$rps
}

bench_iop() { # label db-args...
  local label=$1; shift
  IOP_LOG=warn target/release/iop "$@" serve --demo --addr 127.0.0.1:18181 & local pid=$!
  pids+=("$pid")
  wait_up "$base/healthz"
  sleep 1
  local idle; idle=$(awk '/VmRSS/{print $2, $3}' /proc/"$pid"/status)
  local counselor director billing
  counselor=$(cookie_of counselor); director=$(cookie_of director); billing=$(cookie_of billing)
  token=$(curl -fs -H 'Content-Type: application/json' \
    -d '{"email":"director@demo.test","password":"demo-password"}' "$base/api/v1/auth/token" | json 'd["token"]')
  local patient session from to
  patient=$(api /api/v1/census | json '[e["patient_id"] for p in d for e in (p["patients"] or [])][0]')
  from=$(date -u -d '-8 days' +%F); to=$(date -u -d '-1 days' +%F)
  session=$(api "/api/v1/sessions?from=$from&to=$to" | json '[s["id"] for s in d if s["kind"]=="core"][-1]')
  api "/api/v1/sessions/$session/roster" | json 'json.dumps([{"patient_id": l["patient_id"], "mark": "present"} for l in d["lines"]])' > "$dir/marks.json"
  python3 -c "import json; print(json.dumps(json.load(open('$dir/marks.json'))[:1]))" > "$dir/one.json"
  for body in marks one; do
    cat > "$dir/$body.lua" <<LUA
wrk.method = "PUT"
wrk.body = io.open("$dir/$body.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
LUA
  done

  if [ -z "$ceiling" ]; then
    # The ceiling reads the same database file, in the same run.
    target/release/bare-axum "$2"/iop.sqlite3 127.0.0.1:18182 & local bare=$!
    wait_up http://127.0.0.1:18182/
    echo
    echo "| target | requests/s | of ceiling | p50 | p99 | non-2xx | RSS after |"
    echo "|---|---|---|---|---|---|---|"
    run "bare axum, one SQLite row (ceiling)" http://127.0.0.1:18182/ "Accept: */*"
    ceiling=$last_rps
    kill "$bare"; wait "$bare" 2>/dev/null || true
  fi
  echo
  echo "#### $label"
  echo
  echo "Idle RSS after start: $idle."
  echo
  echo "| target | requests/s | of ceiling | p50 | p99 | non-2xx | RSS after |"
  echo "|---|---|---|---|---|---|---|"
  local rss_of=$pid
  run healthz "$base/healthz" "Accept: */*"
  run "dashboard (counselor)" "$base/dashboard" "Cookie: $counselor"
  run "tonight (counselor)" "$base/tonight" "Cookie: $counselor"
  run "session roster page (director)" "$base/sessions/$session" "Cookie: $director"
  run "chart page (director)" "$base/patients/$patient" "Cookie: $director"
  run "billing page (billing)" "$base/billing" "Cookie: $billing"
  run "roster API (director)" "$base/api/v1/sessions/$session/roster" "Authorization: Bearer $token"
  # One mark per request is the durable-write target (each its own transaction and
  # fsync); the whole roster in one request is how a facilitator saves the page.
  conc=16 ceiling='' run "attendance write, 1 mark + its audit row, 16 writers" \
    "$base/api/v1/sessions/$session/attendance" "Authorization: Bearer $token" "$dir/one.lua"
  conc=16 ceiling='' run "attendance write, $(python3 -c "import json;print(len(json.load(open('$dir/marks.json'))))") marks + their audit rows, 16 writers" \
    "$base/api/v1/sessions/$session/attendance" "Authorization: Bearer $token" "$dir/marks.lua"
  echo
  echo "Peak RSS under load: $(awk '/VmHWM/{print $2, $3}' /proc/"$pid"/status)."
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "wrk -t2 -c$conns -d${dur}s --latency on $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
ceiling=''
bench_iop "SQLite (synchronous=FULL, WAL)" --data-dir "$dir/sqlite"
if [ -n "${BENCH_PG_DB:-}" ]; then
  bench_iop "PostgreSQL ($BENCH_PG_DB)" --database-url "$BENCH_PG_DB"
fi
