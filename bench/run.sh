#!/usr/bin/env bash
# Every performance figure of docs/benchmarks.md in one run on this machine: pages and
# durable writes (bench/pages.sh), the batch runs and X12 (calendar-bench), and cost at
# 100 sites × 1 and 5 years (bench/scale.sh). Prints markdown; the command line heads it.
#   bench/run.sh [DURATION_SECONDS=15] [CONNECTIONS=64]
# BENCH_PG_URL=postgres://user@host:port/  a PostgreSQL server where it may create
#   databases (iop_bench_pages and iop_bench_batch are made anew, iop_scale_* kept): every
#   figure is taken a second time on PostgreSQL.
# BENCH_SCALE_SITES=100 (0 leaves the scale part out), BENCH_SCALE_REQUESTS=20,
# SCALE_DIR (where the SQLite scale databases are kept and reused).
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-15}
conns=${2:-64}
sites=${BENCH_SCALE_SITES:-100}
pg=${BENCH_PG_URL:-}
pg=${pg%/}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
cargo build --release --quiet -p iop-server -p bare-axum -p calendar-bench

fresh_db() { # name -> url of an empty database
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
  echo "$pg/$1"
}

echo "Command: \`${BENCH_PG_URL:+BENCH_PG_URL=$BENCH_PG_URL }${SCALE_DIR:+SCALE_DIR=$SCALE_DIR }BENCH_SCALE_SITES=$sites bench/run.sh $dur $conns\`"
echo "($(nproc) cores, $(date -u +'%F %H:%M UTC'), commit $(git rev-parse --short HEAD))"
echo
echo "### Pages and writes"
echo
pages_db=
[ -n "$pg" ] && pages_db=$(fresh_db iop_bench_pages)
BENCH_PG_DB=$pages_db bench/pages.sh "$dur" "$conns"

echo
echo "### Batch runs and X12 (calendar-bench)"
echo
echo '```'
target/release/calendar-bench
if [ -n "$pg" ]; then
  psql "$pg/postgres" -qc CHECKPOINT >/dev/null
  target/release/calendar-bench "$(fresh_db iop_bench_batch)"
fi
echo '```'

if [ "$sites" != 0 ]; then
  echo
  echo "### At $sites sites × 1 and 5 years"
  echo
  BENCH_PG_URL=${pg:+$pg/} bench/scale.sh "$sites" "${BENCH_SCALE_REQUESTS:-20}"
fi
