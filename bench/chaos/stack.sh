#!/usr/bin/env bash
# The real stack of the chaos run on this machine: PostgreSQL database spplus_chaos, a Redis
# (broker db 5, cache db 6), gunicorn and a Celery worker. Idempotent; settings in env.sh.
#
#   bench/chaos/stack.sh setup          create + migrate + seed_demo + open the chaos campaigns
#   bench/chaos/stack.sh links N NAME   issue N single-use links into $CHAOS_DIR/NAME.txt
#   bench/chaos/stack.sh start          Redis, gunicorn, Celery worker (each in its own group)
#   bench/chaos/stack.sh flush          empty the broker and cache dbs (rate-limit keys too)
#   bench/chaos/stack.sh stop           stop what start started (never the machine's Redis)
#   bench/chaos/stack.sh status
#   bench/chaos/stack.sh run [ARGS]     run.py under flock /tmp/bench.lock (the chaos run)
#   bench/chaos/stack.sh double [N]     double_submit.py on a fresh link, N POSTs (1000)
# Used by run.py during the run:
#   kill-gunicorn-worker | kill-worker | start-worker | restart-redis
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CHAOS_ROOT"
mkdir -p "$CHAOS_DIR" "$MEDIA_ROOT"

log() { echo "chaos: $(date -u +%H:%M:%S) $*"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
redis() { redis-cli -h 127.0.0.1 -p "$CHAOS_REDIS_PORT" "$@"; }

redis_start() {
    if redis ping >/dev/null 2>&1; then return 0; fi
    if [ "$CHAOS_REDIS_PORT" = 6379 ]; then
        # The machine's own command (../.library/env/machines/python-svc.md, .ci/run).
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    else
        # The same options on a private port, directory and log file.
        mkdir -p "$CHAOS_DIR/redis"
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$CHAOS_REDIS_PORT" \
            --save "" --appendonly no --dir "$CHAOS_DIR/redis" \
            --logfile "$CHAOS_DIR/redis.log" --pidfile "$CHAOS_DIR/redis.pid"
    fi
    for _ in $(seq 1 50); do redis ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis ping >/dev/null
    log "redis up port=$CHAOS_REDIS_PORT"
}

redis_stop() {
    if [ "$CHAOS_REDIS_PORT" = 6379 ]; then
        log "redis port=6379 is the machine's: left running"
        return 0
    fi
    redis shutdown nosave >/dev/null 2>&1 || true
    log "redis stopped port=$CHAOS_REDIS_PORT"
}

restart_redis() {
    redis shutdown nosave >/dev/null 2>&1 || true
    log "redis shutdown nosave port=$CHAOS_REDIS_PORT"
    sleep "${CHAOS_REDIS_DOWN_SECONDS:-2}"
    redis_start
}

gunicorn_start() {
    if alive "$CHAOS_DIR/gunicorn.pid"; then return 0; fi
    setsid "$VENV_BIN/gunicorn" config.wsgi:application \
        --worker-class gthread --workers "$CHAOS_GUNICORN_WORKERS" \
        --threads "$CHAOS_GUNICORN_THREADS" --bind "127.0.0.1:$CHAOS_PORT" --timeout 30 \
        --pid "$CHAOS_DIR/gunicorn.pid" --error-logfile "$CHAOS_DIR/gunicorn.log" \
        --capture-output </dev/null >>"$CHAOS_DIR/gunicorn.log" 2>&1 &
    for _ in $(seq 1 100); do
        curl -s -o /dev/null "http://127.0.0.1:$CHAOS_PORT/" && break
        sleep 0.2
    done
    log "gunicorn up port=$CHAOS_PORT master=$(cat "$CHAOS_DIR/gunicorn.pid")"
}

gunicorn_stop() {
    if alive "$CHAOS_DIR/gunicorn.pid"; then
        local pid
        pid=$(cat "$CHAOS_DIR/gunicorn.pid")
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        log "gunicorn stopped"
    fi
}

kill_gunicorn_worker() {
    local master worker
    master=$(cat "$CHAOS_DIR/gunicorn.pid")
    worker=$(pgrep -P "$master" | shuf -n 1)
    kill -9 "$worker"
    log "kill -9 gunicorn worker pid=$worker"
}

worker_start() {
    if alive "$CHAOS_DIR/celery.pid"; then return 0; fi
    rm -f "$CHAOS_DIR/celery.pid"
    setsid "$VENV_BIN/celery" -A config worker -Q default,pdf,exports \
        -c "$CHAOS_CELERY_CONCURRENCY" -n "chaos@%h" --loglevel=INFO \
        --logfile "$CHAOS_DIR/celery.log" --pidfile "$CHAOS_DIR/celery.pid" \
        </dev/null >>"$CHAOS_DIR/celery.log" 2>&1 &
    echo $! >"$CHAOS_DIR/celery.group"
    for _ in $(seq 1 100); do [ -s "$CHAOS_DIR/celery.pid" ] && break; sleep 0.1; done
    log "celery worker up pid=$(cat "$CHAOS_DIR/celery.pid" 2>/dev/null || echo '?')"
}

# kill -9 the worker and its pool children, as systemd does with the unit's control group.
kill_worker() {
    local group
    group=$(cat "$CHAOS_DIR/celery.group")
    kill -9 -- "-$group" 2>/dev/null || true
    rm -f "$CHAOS_DIR/celery.pid"
    log "kill -9 celery worker group=$group"
}

worker_stop() {
    if [ -f "$CHAOS_DIR/celery.group" ] && kill -0 "$(cat "$CHAOS_DIR/celery.group")" 2>/dev/null; then
        local group
        group=$(cat "$CHAOS_DIR/celery.group")
        kill -TERM "$group"
        for _ in $(seq 1 150); do kill -0 "$group" 2>/dev/null || break; sleep 0.1; done
        kill -9 -- "-$group" 2>/dev/null || true
        log "celery worker stopped"
    fi
    rm -f "$CHAOS_DIR/celery.pid"
}

setup() {
    psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='spplus_chaos'" \
        | grep -q 1 || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE spplus_chaos"
    "$PYTHON" manage.py migrate --noinput -v 0
    "$PYTHON" manage.py seed_demo
    "$PYTHON" bench/chaos/chaos_db.py prepare
}

links() {
    local count=$1 name=$2 campaign=${3:-chaos-usagers}
    "$PYTHON" manage.py issue_invitations --campaign "$campaign" --count "$count" \
        >"$CHAOS_DIR/$name.txt"
    log "links=$(wc -l <"$CHAOS_DIR/$name.txt") file=$CHAOS_DIR/$name.txt"
}

flush() {
    redis -n 5 flushdb >/dev/null
    redis -n 6 flushdb >/dev/null
    log "flushed redis port=$CHAOS_REDIS_PORT dbs 5 (broker) and 6 (cache, rate limits)"
}

status() {
    redis ping 2>/dev/null | sed "s/^/redis port=$CHAOS_REDIS_PORT: /" || echo "redis: down"
    alive "$CHAOS_DIR/gunicorn.pid" && echo "gunicorn master=$(cat "$CHAOS_DIR/gunicorn.pid") workers=$(pgrep -P "$(cat "$CHAOS_DIR/gunicorn.pid")" | tr '\n' ' ')" || echo "gunicorn: down"
    alive "$CHAOS_DIR/celery.pid" && echo "celery pid=$(cat "$CHAOS_DIR/celery.pid")" || echo "celery: down"
}

case "${1:-}" in
    setup) setup ;;
    links) links "$2" "$3" "${4:-chaos-usagers}" ;;
    start) redis_start; gunicorn_start; worker_start ;;
    stop) worker_stop; gunicorn_stop; redis_stop ;;
    flush) flush ;;
    status) status ;;
    run) shift; flush; flock /tmp/bench.lock "$PYTHON" bench/chaos/run.py "$@" ;;
    double)
        flush; links 1 double chaos-double
        flock /tmp/bench.lock "$PYTHON" bench/chaos/double_submit.py \
            --link "$(cat "$CHAOS_DIR/double.txt")" --count "${2:-1000}" ;;
    kill-gunicorn-worker) kill_gunicorn_worker ;;
    kill-worker) kill_worker ;;
    start-worker) worker_start ;;
    restart-redis) restart_redis ;;
    *) sed -n '2,15p' "$0"; exit 2 ;;
esac
