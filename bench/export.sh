#!/usr/bin/env bash
# Bulk FHIR export of the 5-year, 100-site scale database (issue 18): the whole record
# as the clinical director, streamed to NDJSON files, with the server's peak resident
# memory (VmHWM) before and after, the time taken and what was written.
#
#   bench/export.sh                   SQLite (SCALE_DIR/sqlite-5y, seeded when missing)
#   BENCH_PG_URL=postgres://…/ bench/export.sh   also PostgreSQL (database iop_scale_5y)
#
# The scale databases are the ones bench/scale.sh seeds and keeps (SCALE_DIR, default
# /tmp/iop-scale). The export's files are removed at the end (DELETE of the job).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${SCALE_DIR:-/tmp/iop-scale}
cargo build --release --quiet -p iop-server
port=18184 base="http://127.0.0.1:18184"

hwm() { awk '/VmHWM/ {print int($2/1024)}' "/proc/$1/status"; }
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }

run() { # label data-dir [db-args...]
  local label=$1 data=$2; shift 2
  IOP_LOG=warn target/release/iop --data-dir "$data" "$@" serve --addr "127.0.0.1:$port" & local pid=$!
  for _ in $(seq 600); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
  local token
  token=$(curl -fs -H 'content-type: application/json' \
    -d '{"email":"director@scale.test","password":"demo-password"}' "$base/api/v1/auth/token" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  local before t0 status manifest
  before=$(hwm "$pid")
  t0=$(date +%s.%N)
  status=$(curl -fs -D - -o /dev/null -H "authorization: Bearer $token" -H 'prefer: respond-async' \
    "$base/fhir/r4/Patient/\$export" | awk 'tolower($1) == "content-location:" {print $2}' | tr -d '\r')
  local peak_rss=0 now
  while :; do
    code=$(curl -s -o /tmp/iop-export-manifest.json -w '%{http_code}' -H "authorization: Bearer $token" "$status")
    now=$(rss "$pid"); [ "$now" -gt "$peak_rss" ] && peak_rss=$now
    [ "$code" = 202 ] || break
    sleep 1
  done
  local seconds
  seconds=$(echo "$(date +%s.%N) - $t0" | bc)
  [ "$code" = 200 ] || { echo "$label: the export answered $code" >&2; cat /tmp/iop-export-manifest.json >&2; kill "$pid"; exit 1; }
  echo "== $label"
  echo "export took ${seconds%.*} s; server VmHWM before ${before} MB, after $(hwm "$pid") MB (RSS sampled each second, highest ${peak_rss} MB)"
  python3 - "$token" <<'PY'
import json, sys, urllib.request
m = json.load(open("/tmp/iop-export-manifest.json"))
total = 0
for o in m["output"]:
    total += o["count"]
    print(f'  {o["type"]:<18} {o["count"]:>10,} resources')
print(f'  {"all":<18} {total:>10,} resources')
PY
  echo "  files on disk: $(du -sh "$data/exports" | cut -f1)"
  curl -fs -o /dev/null -X DELETE -H "authorization: Bearer $token" "$status"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

dir=$root/sqlite-5y
if [ ! -f "$dir/iop.sqlite3" ]; then
  echo "seeding $dir (100 sites × 5 years; a few minutes)"
  IOP_LOG=warn target/release/iop --data-dir "$dir" dev seed --sites 100 --years 5 >/dev/null
fi
run "SQLite, 100 sites × 5 years" "$dir"
if [ -n "${BENCH_PG_URL:-}" ]; then
  url="${BENCH_PG_URL%/}/iop_scale_5y"
  if ! psql "$url" -c 'SELECT 1' >/dev/null 2>&1; then
    psql "${BENCH_PG_URL%/}/postgres" -c 'CREATE DATABASE iop_scale_5y' >/dev/null
    echo "seeding PostgreSQL iop_scale_5y (100 sites × 5 years; a few minutes)"
    IOP_LOG=warn target/release/iop --database-url "$url" --data-dir "$root/pg-5y" dev seed --sites 100 --years 5 >/dev/null
  fi
  run "PostgreSQL, 100 sites × 5 years" "$root/pg-5y" --database-url "$url"
fi
