# Shared settings of the chaos scripts (sourced by stack.sh; `source bench/chaos/env.sh` to use
# manage.py against the chaos database by hand). Override any of them from the environment.
CHAOS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CHAOS_ROOT
export CHAOS_DIR="${CHAOS_DIR:-$CHAOS_ROOT/var/chaos}"
# A private Redis by default, started with the machine's options on its own port, so that
# restarting it does not wipe the databases of other programs using the shared 127.0.0.1:6379.
# CHAOS_REDIS_PORT=6379 restarts the machine's own Redis instead (with its exact options).
export CHAOS_REDIS_PORT="${CHAOS_REDIS_PORT:-6395}"
export CHAOS_PORT="${CHAOS_PORT:-8095}"
export CHAOS_GUNICORN_WORKERS="${CHAOS_GUNICORN_WORKERS:-4}"
export CHAOS_GUNICORN_THREADS="${CHAOS_GUNICORN_THREADS:-4}"
export CHAOS_CELERY_CONCURRENCY="${CHAOS_CELERY_CONCURRENCY:-2}"

export DJANGO_ENV="${DJANGO_ENV:-development}"
export DEBUG="${DEBUG:-0}"
export LOG_LEVEL="${LOG_LEVEL:-INFO}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/spplus_chaos}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:$CHAOS_REDIS_PORT/5}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$CHAOS_REDIS_PORT/6}"
export MEDIA_ROOT="${MEDIA_ROOT:-$CHAOS_DIR/media}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$CHAOS_PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export PYTHON="${PYTHON:-$CHAOS_ROOT/.venv/bin/python}"
export VENV_BIN="${VENV_BIN:-$CHAOS_ROOT/.venv/bin}"
