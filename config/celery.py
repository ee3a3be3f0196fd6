"""The Celery application. Queues: default, pdf (certificates), exports (large files)."""

import os

from celery import Celery
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("spplus")
app.config_from_object("django.conf:settings", namespace="CELERY")

LONGEST_TASK_SECONDS = 30 * 60

app.conf.update(
    task_queues=(Queue("default"), Queue("pdf"), Queue("exports")),
    task_default_queue="default",
    task_routes={
        "labelling.tasks.*certificate*": {"queue": "pdf"},
        "labelling.tasks.build_audit_report": {"queue": "pdf"},
        "surveys.tasks.*export*": {"queue": "exports"},
    },
    # Every task is idempotent: it may run again if a worker dies mid-way.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_max_tasks_per_child=200,
    task_time_limit=LONGEST_TASK_SECONDS,
    task_soft_time_limit=LONGEST_TASK_SECONDS - 60,
    broker_transport_options={"visibility_timeout": LONGEST_TASK_SECONDS * 2},
    broker_connection_retry_on_startup=True,
    result_expires=60 * 60 * 24,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    timezone="Europe/Paris",
    enable_utc=True,
)
# Celery beat (`celery -A config beat`). Each app adds its own keys; merge, never replace.
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    # Overdue actions of the centres' action plans: one reminder a week at most, at 7:30.
    "centres-overdue-action-reminders": {
        "task": "centres.tasks.dispatch_overdue_action_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Citizen reviews: reminders 3 and 5 days after publication, a breach at 7 days.
    "surveys-review-clock": {
        "task": "surveys.tasks.dispatch_review_clock",
        "schedule": crontab(minute=5),
    },
    # The ballot box: sealed answer sheets counted in shuffled batches of at least k.
    "surveys-mix-ballots": {
        "task": "surveys.tasks.mix_ballots",
        "schedule": crontab(minute="*"),
    },
    # Survey rollups of past days merged into one shard, past months summed (results read them).
    "surveys-seal-rollups": {
        "task": "surveys.tasks.seal_rollups",
        "schedule": crontab(hour=0, minute=20),
    },
    # Agents' e-mail addresses are deleted once their survey campaign has closed.
    "surveys-purge-agent-contacts": {
        "task": "surveys.tasks.purge_agent_contacts",
        "schedule": crontab(hour=3, minute=15),
    },
    # Certificates whose rendering was never queued (broker down at commit) or was lost.
    "labelling-requeue-pending-certificates": {
        "task": "labelling.tasks.requeue_pending_certificates",
        "schedule": crontab(minute="*/5"),
    },
    # Exports whose task never reached a worker (broker down at dispatch) are queued again.
    "surveys-requeue-exports": {
        "task": "surveys.tasks.requeue_exports",
        "schedule": crontab(minute="*/5"),
    },
    # Export files are deleted after EXPORT_RETENTION_DAYS.
    "surveys-purge-exports": {
        "task": "surveys.tasks.purge_exports",
        "schedule": crontab(hour=3, minute=45),
    },
    # Import files previewed but never confirmed are deleted after UPLOAD_STAGING_HOURS.
    "centres-purge-uploads": {
        "task": "centres.tasks.purge_uploads",
        "schedule": crontab(minute=50),
    },
    # Notification e-mails that could not leave (SMTP or broker down when the step committed).
    "centres-pending-notification-emails": {
        "task": "centres.tasks.send_pending_notification_emails",
        "schedule": crontab(minute="*/10"),
    },
    # Follow-up audits due within 60 days: the label's people are told (once per due date).
    "labelling-follow-up-audits-due": {
        "task": "labelling.tasks.notify_follow_up_audits_due",
        "schedule": crontab(hour=7, minute=45),
    },
    # Labels past their validity become "expired" (verification page, decision log).
    "labelling-expire-labels": {
        "task": "labelling.tasks.expire_labels",
        "schedule": crontab(hour=0, minute=30),
    },
}
app.autodiscover_tasks()
