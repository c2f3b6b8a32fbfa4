#!/usr/bin/env bash
# Cost at scale: seeds 100 sites × 1 year and 100 sites × 5 years (iop dev seed), then
# times the pages whose cost must follow what they show, not the years behind them.
# Prints markdown for docs/benchmarks.md.
#   bench/scale.sh [SITES=100] [REQUESTS=20]
# Databases are kept in SCALE_DIR (default /tmp/iop-scale) and reused when present;
# SQLite needs the sqlite3 shell. With BENCH_PG_URL=postgres://user@host:port/ (a
# server where it may create databases iop_scale_1y and iop_scale_5y), PostgreSQL too.
set -euo pipefail
cd "$(dirname "$0")/.."
sites=${1:-100}
n=${2:-20}
root=${SCALE_DIR:-/tmp/iop-scale}
mkdir -p "$root"
cargo build --release --quiet -p iop-server
base=http://127.0.0.1:18183
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT

wait_up() { for _ in $(seq 600); do curl -fs "$1" >/dev/null && return 0; sleep 0.2; done; echo "$1 did not start" >&2; exit 1; }

cookie_of() { # email
  local jar="$root/jar" form csrf
  rm -f "$jar"
  form=$(curl -fs -c "$jar" "$base/login")
  csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=$1" \
    --data-urlencode "password=demo-password" --data-urlencode "csrf=$csrf" "$base/login"
  awk '$6=="iop_session"{print "iop_session=" $7}' "$jar" | grep . || { echo "cannot sign in as $1" >&2; exit 1; }
}

# Median and slowest of N sequential requests after two warm-ups, in ms.
timed() { # cookie path
  local t=()
  for _ in 1 2; do curl -fs -o /dev/null -H "Cookie: $1" "$base$2"; done
  for _ in $(seq "$n"); do
    t+=("$(curl -fs -o /dev/null -w '%{time_total}' -H "Cookie: $1" "$base$2")")
  done
  python3 -c "import sys,statistics as s; v=[1000*float(x) for x in sys.argv[1:]]; print(f'{s.median(v):.1f} / {max(v):.1f}')" "${t[@]}"
}

declare -A fig
measure() { # key db-args...
  local key=$1; shift
  IOP_LOG=warn target/release/iop "$@" serve --addr 127.0.0.1:18183 & pid=$!
  wait_up "$base/healthz"
  local director admin
  director=$(cookie_of director@scale.test); admin=$(cookie_of admin@scale.test)
  fig[$key,census]=$(timed "$director" /census)
  fig[$key,staffing]=$(timed "$director" /staffing)
  fig[$key,audit]=$(timed "$admin" /admin/audit)
  fig[$key,outcomes]=$(timed "$director" /reports/outcomes)
  fig[$key,chart]=$(timed "$director" "/patients/$long_chart")
  fig[$key,rss]=$(awk '/VmHWM/{print $2, $3}' /proc/"$pid"/status)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
}

seed() { # log db-args...
  local log=$1; shift
  local t0=$SECONDS
  IOP_LOG=warn target/release/iop "$@" dev seed --sites "$sites" --years "$years" >"$log"
  echo "$((SECONDS - t0))" >"$log.seconds"
}

# The patient with the longest history (the seed's long-standing alumnus).
LONGEST="SELECT patient_id FROM attendance GROUP BY patient_id ORDER BY COUNT(*) DESC LIMIT 1"
EVENTS="SELECT (SELECT COUNT(*) FROM attendance WHERE patient_id = '%s') + (SELECT COUNT(*) FROM note_entries WHERE patient_id = '%s') + (SELECT COUNT(*) FROM measures WHERE patient_id = '%s')"

backends=(sqlite)
[ -n "${BENCH_PG_URL:-}" ] && backends+=(pg)
for years in 1 5; do
  for b in "${backends[@]}"; do
    key=$b-$years
    if [ "$b" = sqlite ]; then
      dir=$root/sqlite-${years}y; args=(--data-dir "$dir")
      [ -f "$dir/iop.sqlite3" ] || seed "$root/seed-$key.log" "${args[@]}"
      sqlite3 "$dir/iop.sqlite3" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
      fig[$key,size]=$(du -sh "$dir/iop.sqlite3" | cut -f1)
      long_chart=$(sqlite3 "$dir/iop.sqlite3" "$LONGEST")
      fig[$key,events]=$(sqlite3 "$dir/iop.sqlite3" "$(printf "$EVENTS" "$long_chart" "$long_chart" "$long_chart")")
    else
      db=iop_scale_${years}y; url=${BENCH_PG_URL%/}/$db; args=(--database-url "$url")
      if ! psql "${BENCH_PG_URL%/}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
        psql "${BENCH_PG_URL%/}/postgres" -qc "CREATE DATABASE $db"
        seed "$root/seed-$key.log" "${args[@]}"
      fi
      fig[$key,size]=$(psql "$url" -tAc "SELECT pg_size_pretty(pg_database_size('$db'))")
      long_chart=$(psql "$url" -tAc "$LONGEST")
      fig[$key,events]=$(psql "$url" -tAc "$(printf "$EVENTS" "$long_chart" "$long_chart" "$long_chart")")
    fi
    fig[$key,seed]=$(cat "$root/seed-$key.log.seconds" 2>/dev/null || echo "?")
    fig[$key,rows]=$(cat "$root/seed-$key.log" 2>/dev/null || echo "?")
    measure "$key" "${args[@]}"
  done
done

echo "bench/scale.sh $sites $n on $(nproc) cores, $(date -u +%F), commit $(git rev-parse --short HEAD)"
for b in "${backends[@]}"; do
  echo
  label=SQLite; [ "$b" = pg ] && label=PostgreSQL
  echo "#### $label"
  echo
  echo "| | $sites sites × 1 year | $sites sites × 5 years |"
  echo "|---|---|---|"
  echo "| seed run time (s) | ${fig[$b-1,seed]} | ${fig[$b-5,seed]} |"
  echo "| database size | ${fig[$b-1,size]} | ${fig[$b-5,size]} |"
  echo "| live census, ms (median / slowest of $n) | ${fig[$b-1,census]} | ${fig[$b-5,census]} |"
  echo "| staffing view, ms | ${fig[$b-1,staffing]} | ${fig[$b-5,staffing]} |"
  echo "| audit page, ms | ${fig[$b-1,audit]} | ${fig[$b-5,audit]} |"
  echo "| program outcome report, ms | ${fig[$b-1,outcomes]} | ${fig[$b-5,outcomes]} |"
  echo "| longest chart, ms (events: marks + note entries + measures) | ${fig[$b-1,chart]} (${fig[$b-1,events]}) | ${fig[$b-5,chart]} (${fig[$b-5,events]}) |"
  echo "| peak RSS | ${fig[$b-1,rss]} | ${fig[$b-5,rss]} |"
  echo
  echo "Seed: ${fig[$b-5,rows]}"
done
