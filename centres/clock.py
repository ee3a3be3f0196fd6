"""The scheduled clocks in the embedded mode: Celery beat in a thread of the web process.

In production `celery -A config beat` runs the schedule of `config.celery`. On a developer's
machine `manage.py serve` (what `make run` starts) runs the very same schedule in a thread
beside the development server; with Celery eager each due task runs in that thread, with a
broker it is queued for the workers, exactly as beat would."""

import logging
from pathlib import Path

from celery import beat
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def schedule_file() -> Path:
    """Where beat keeps the last run of each entry (so a restart does not run them again)."""
    path = Path(settings.VAR_DIR) / "celerybeat-schedule"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


class _ConnectionTidyScheduler(beat.PersistentScheduler):
    """Beat's own scheduler, closing stale database connections around each tick, as a worker
    does around each task (the thread lives as long as the server)."""

    def tick(self, *args, **kwargs):
        close_old_connections()
        try:
            return super().tick(*args, **kwargs)
        finally:
            close_old_connections()


def start_embedded_beat(app=None, *, filename: Path | None = None):
    """Start beat in a daemon thread and return it (call `.stop()` to end it)."""
    if app is None:
        from config.celery import app
    # Register every app's tasks first: beat sends an unknown name to the broker, where eager
    # mode never runs it.
    app.loader.import_default_modules()
    service = beat.EmbeddedService(
        app,
        thread=True,
        schedule_filename=str(filename or schedule_file()),
        scheduler_cls=_ConnectionTidyScheduler,
    )
    service.start()
    logger.info("embedded_beat_started entries=%s", len(app.conf.beat_schedule or {}))
    return service
