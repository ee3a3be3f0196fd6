#!/bin/bash
# Survey page GET/s and submissions/s (POST) against gunicorn, measured with wrk.
#
#   DATABASE_URL=postgres://... REDIS_URL=redis://... bench/survey_page.sh [label]
#
# Run it from the root of the code to measure (for a baseline, a `git worktree add` of another
# commit, with PYTHON pointing at this project's virtualenv). It issues links of the CAMPAIGN
# (its closing date must be in the future), starts gunicorn, opens one link a few times (warm
# up), measures GET with wrk on that link, takes a CSRF cookie and token from one GET, measures
# POST with wrk on fresh links (each answered once), optionally runs bench/submissions.py
# (GET + POST pairs, SUBMISSIONS links), then stops gunicorn. After each wrk run it prints the
# CPU time per request of the gunicorn workers and of the database's PostgreSQL backends.
# The Redis cache (failed-link counters) must be empty: use a Redis db of its own.
# Needs wrk (Debian package `wrk`).
# Settings: DJANGO_ENV=development DEBUG=0 unless given (production wants a collectstatic).
set -euo pipefail
LABEL=${1:-run}
PYTHON=${PYTHON:-.venv/bin/python}
PORT=${PORT:-8061}
WORKERS=${WORKERS:-4}
WORKER_CLASS=${WORKER_CLASS:-sync}
THREADS=${THREADS:-1}
CONCURRENCY=${CONCURRENCY:-8}
DURATION=${DURATION:-20}
CAMPAIGN=${CAMPAIGN:-usagers-2025}
LINKS=${LINKS:-12000}
SUBMISSIONS=${SUBMISSIONS:-1000}
OUT=${OUT:-var/bench/survey-page}
LUA=$(dirname "$(readlink -f "$0")")/survey_wrk.lua
SUBMIT=$(dirname "$(readlink -f "$0")")/submissions.py
export DJANGO_ENV=${DJANGO_ENV:-development} DEBUG=${DEBUG:-0} LOG_LEVEL=${LOG_LEVEL:-WARNING}
export SITE_URL=http://127.0.0.1:$PORT
mkdir -p "$OUT"

"$PYTHON" manage.py issue_invitations --campaign "$CAMPAIGN" --count "$LINKS" 2>/dev/null \
  | sed 's#^http://[^/]*##' > "$OUT/$LABEL-paths.txt"
GET_PATH=$(tail -1 "$OUT/$LABEL-paths.txt")
head -n $((LINKS - SUBMISSIONS - 1)) "$OUT/$LABEL-paths.txt" > "$OUT/$LABEL-post.txt"
tail -n $((SUBMISSIONS + 1)) "$OUT/$LABEL-paths.txt" | head -n "$SUBMISSIONS" \
  | sed "s#^#$SITE_URL#" > "$OUT/$LABEL-pairs.txt"

"$PYTHON" -m gunicorn config.wsgi:application -b "127.0.0.1:$PORT" -w "$WORKERS" \
  -k "$WORKER_CLASS" --threads "$THREADS" --log-level warning --pid "$OUT/gunicorn.pid" \
  > "$OUT/$LABEL-gunicorn.log" 2>&1 &
trap 'kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf -o /dev/null "$SITE_URL$GET_PATH" && break; sleep 0.5; done
for _ in $(seq 40); do curl -s -o /dev/null "$SITE_URL$GET_PATH"; done

# CPU time of the gunicorn workers and of the database's PostgreSQL backends, in clock ticks.
MASTER=$(cat "$OUT/gunicorn.pid")
DATABASE=${DATABASE_URL##*/}
ticks() {
  local workers=0 backends=0 pid
  for pid in $(pgrep -P "$MASTER"); do
    workers=$((workers + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  for pid in $(pgrep -f "postgres: .* $DATABASE "); do
    backends=$((backends + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$workers $backends"
}
# measure URL [environment...]: one wrk run, its RESULT line and the CPU per request.
measure() {
  local url=$1 before after result requests
  shift
  before=$(ticks)
  result=$(env "$@" wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" -s "$LUA" "$url" | grep RESULT)
  after=$(ticks)
  requests=$(echo "$result" | sed 's/.*requests=\([0-9]*\).*/\1/')
  echo "$result"
  echo "$before $after" | awk -v n="$requests" -v hz="$(getconf CLK_TCK)" '{printf \
    "   cpu_ms_per_request gunicorn=%.2f postgresql=%.2f\n", ($3-$1)*1000/hz/n, ($4-$2)*1000/hz/n}'
}

echo "== $LABEL $(pwd): gunicorn -w $WORKERS -k $WORKER_CLASS --threads $THREADS;" \
  "wrk -t2 -c$CONCURRENCY -d${DURATION}s; $(uptime)"
measure "$SITE_URL$GET_PATH" MODE=get
curl -s -c "$OUT/$LABEL-cookies.txt" "$SITE_URL$GET_PATH" > "$OUT/$LABEL-page.html"
CSRF_COOKIE=$(awk '$6 == "csrftoken" {print $7}' "$OUT/$LABEL-cookies.txt")
CSRF_TOKEN=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$OUT/$LABEL-page.html" \
  | sed 's/.*value="//; s/"$//')
measure "$SITE_URL" MODE=post LINKS="$OUT/$LABEL-post.txt" THREADS=2 \
  CSRF_COOKIE="$CSRF_COOKIE" CSRF_TOKEN="$CSRF_TOKEN"
if [ "$SUBMISSIONS" -gt 0 ]; then
  "$PYTHON" "$SUBMIT" --links "$OUT/$LABEL-pairs.txt" --concurrency "$CONCURRENCY" \
    | sed 's/^/submissions.py: /'
fi
echo "   $(uptime)"
