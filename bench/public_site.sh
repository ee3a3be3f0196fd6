#!/bin/bash
# Public pages served by gunicorn, measured with wrk (Debian package `wrk`), beside a static
# file served by the same stack (the ceiling) and, when BASE_DIR is given, the same pages served
# by another code base (a `git archive` of the previous commit) against the same database.
#
#   DATABASE_URL=postgres://... REDIS_URL=redis://... bench/public_site.sh [label]
#   BASE_DIR=/tmp/base DATABASE_URL=... REDIS_URL=... bench/public_site.sh
#
# For each code base: start gunicorn (-w 4, sync), warm the page, then wrk -t2 -c8 for DURATION
# seconds on: the static file, the home page, the centre CENTRE's page (warm: served from the
# cache), a search (warm), and a search rendered every time (an undeclared parameter bypasses
# the page cache; the queries rotate), with 8 connections then with one (a search's own
# latency, without the queue). One RESULT line per measure (bench/p95.lua).
# Settings: DJANGO_ENV=development DEBUG=0 (production wants a collectstatic); the Redis cache
# is flushed before each code base.
set -euo pipefail
LABEL=${1:-run}
PYTHON=${PYTHON:-$(pwd)/.venv/bin/python}
PORT=${PORT:-8065}
WORKERS=${WORKERS:-4}
CONCURRENCY=${CONCURRENCY:-8}
DURATION=${DURATION:-15}
CENTRE=${CENTRE:-lille}
OUT=${OUT:-$(pwd)/var/bench/public-site}
LUA=$(dirname "$(readlink -f "$0")")/p95.lua
SEARCHES="/trouver-un-service/?q=59000 /trouver-un-service/?q=angouleme /trouver-un-service/?q=saint+etienne /trouver-un-service/?q=2A /trouver-un-service/?q=allocations /trouver-un-service/?q=zzzz"
export DJANGO_ENV=${DJANGO_ENV:-development} DEBUG=${DEBUG:-0} LOG_LEVEL=${LOG_LEVEL:-WARNING}
mkdir -p "$OUT"
URL=http://127.0.0.1:$PORT

measure() {  # code-label what path [env...]
  local code=$1 what=$2 path=$3
  shift 3
  for _ in $(seq "${WARM_UP:-20}"); do curl -s -o /dev/null -m 30 "$URL$path"; done
  printf '%s %s load=%s ' "$code" "$what" "$(cut -d' ' -f1 /proc/loadavg)"
  env "$@" wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-$CONCURRENCY}" -d"${DURATION}s" --timeout 10s -s "$LUA" "$URL$path" \
    | grep RESULT || echo "no result"
}

run() {  # code-label directory
  local code=$1 directory=$2
  "$PYTHON" -c "import redis,os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
  (cd "$directory" && "$PYTHON" -m gunicorn config.wsgi:application -b "127.0.0.1:$PORT" \
    -w "$WORKERS" --log-level warning --pid "$OUT/gunicorn.pid" > "$OUT/$LABEL-$code.log" 2>&1 &)
  for _ in $(seq 60); do curl -sf -o /dev/null "$URL/static/css/public.css" && break; sleep 0.5; done
  measure "$code" static /static/css/public.css
  if [ -z "${SKIP_HOME:-}" ]; then
    measure "$code" home /
  else  # one request, timed
    printf '%s home load=%s one request: ' "$code" "$(cut -d' ' -f1 /proc/loadavg)"
    curl -s -o /dev/null -m 120 -w '%{time_total}s %{size_download} bytes\n' "$URL/"
  fi
  measure "$code" "centre-$CENTRE" "/centres-publics/$CENTRE/"
  if curl -sf -o /dev/null "$URL/trouver-un-service/"; then
    measure "$code" search-warm "/trouver-un-service/?q=lille"
    measure "$code" search-rendered /trouver-un-service/ WRK_PATHS="$SEARCHES" WRK_BYPASS=1
    # One visitor at a time: the latency of a search itself, without the queue of 8.
    THREADS=1 CONNECTIONS=1 measure "$code" search-rendered-one-at-a-time /trouver-un-service/ \
      WRK_PATHS="$SEARCHES" WRK_BYPASS=1
  fi
  kill "$(cat "$OUT/gunicorn.pid")"
  sleep 2
}

echo "date=$(date -u +%FT%TZ) host=$(hostname) cpus=$(nproc) label=$LABEL"
run current "$(pwd)"
if [ -n "${BASE_DIR:-}" ]; then  # then the current code again: the load of the machine moves
  SKIP_HOME=1 run previous "$BASE_DIR"  # its home page lists every centre: one request, timed
  run current-again "$(pwd)"
fi
