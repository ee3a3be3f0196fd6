import secrets

from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from centres.tasks import worker_ping


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a Celery worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args, timeout: float, **options):
        if not settings.CELERY_BROKER_URL:
            raise CommandError("No CELERY_BROKER_URL: tasks run in-process, there is no worker.")
        nonce = secrets.token_hex(8)
        try:
            answer = worker_ping.delay(nonce).get(timeout=timeout, disable_sync_subtasks=False)
        except CeleryTimeout as exc:
            raise CommandError(f"No worker answered within {timeout} s.") from exc
        if answer["nonce"] != nonce:
            raise CommandError("A worker answered with another task's result.")
        self.stdout.write(f"worker={answer['worker']} centres={answer['centres']} status=ok")
