#!/bin/bash
# Results over a big database, before/after: another commit's code and schema against this one's.
#
#   DATABASE_URL=postgres://.../spplus_bench10m OLD=<worktree of the other commit> \
#       MIGRATION_OLD=0007 MIGRATION_NEW=0008 flock /tmp/bench.lock bench/results_ab.sh
#
# Run from the root of this checkout, on a throw-away database filled by
# bench/generate_responses.py. For each round, each side in turn: migrate the surveys app to the
# side's last migration, clear the seals, run the side's own seal (rollups_seal), vacuum the
# rollup tables, then the side's bench/survey_results.py in-process and over HTTP (gunicorn
# -w 2 from the side's checkout). OLD is a `git worktree add --detach <dir> <commit>` of the
# baseline; both sides use this checkout's virtualenv. Needs psql.
set -euo pipefail
: "${DATABASE_URL:?}" "${OLD:?}" "${MIGRATION_OLD:?}" "${MIGRATION_NEW:?}"
export DJANGO_ENV=${DJANGO_ENV:-development} DEBUG=${DEBUG:-0}
NEW=$(pwd)
PY=${PYTHON:-$NEW/.venv/bin/python}
RUNS=${RUNS:-60}
PSQL=(psql -q "$DATABASE_URL")
SEAL='from django.utils import timezone; from surveys.services.rollups import rollups_seal; import time; t=time.monotonic(); rollups_seal(today=timezone.localdate()); print(f"seal_seconds={time.monotonic()-t:.1f}")'
PIDFILE=$(mktemp)

side() { # checkout label port
  cd "$1"
  echo "== $2 $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$PY" manage.py shell -c "$SEAL"
  for table in dailyrollup cumulativerollup monthlyrollup; do
    "${PSQL[@]}" -c "vacuum analyze surveys_$table" 2>/dev/null || true
  done
  "$PY" bench/survey_results.py --campaign bench-usagers --runs "$RUNS"
  "$PY" -m gunicorn config.wsgi:application -w 2 -b "127.0.0.1:$3" --daemon --pid "$PIDFILE" \
    --log-level warning
  sleep 3
  "$PY" bench/survey_results.py --campaign bench-usagers --runs "$RUNS" \
    --url "http://127.0.0.1:$3" --only admin --only referent --only cut-months
  kill "$(cat "$PIDFILE")"
  sleep 1
}
clear_seals() { # every seal column the schema has
  for column in rollups_sealed_through rollups_compacted_through; do
    "${PSQL[@]}" -c "UPDATE surveys_campaign SET $column = NULL" 2>/dev/null || true
  done
}
for round in ${ROUNDS:-1 2}; do
  cd "$NEW" && "$PY" manage.py migrate surveys "$MIGRATION_OLD" -v0 && clear_seals
  side "$OLD" "round $round: before ($(git -C "$OLD" rev-parse --short HEAD))" 18171
  cd "$NEW" && "$PY" manage.py migrate surveys "$MIGRATION_NEW" -v0 && clear_seals
  side "$NEW" "round $round: change ($(git -C "$NEW" rev-parse --short HEAD))" 18172
done
