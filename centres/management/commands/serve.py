"""`manage.py serve`: the development server plus the scheduled clocks (Celery beat in process).

`make run` starts it, so reminders, sweeps and nightly tasks run on a fresh machine as they do
in production. `--no-clock` serves pages only (the plain `runserver`)."""

from django.core.management.commands.runserver import Command as RunserverCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centres.clock import start_embedded_beat


class Command(RunserverCommand):
    help = gettext_lazy(
        "Development server with the scheduled tasks of Celery beat running in process."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-clock",
            action="store_false",
            dest="clock",
            help="Do not run the scheduled tasks.",
        )

    def inner_run(self, *args, **options):
        # inner_run runs once, in the process that serves (the autoreloader's child), never in
        # the watching parent: one clock, restarted with the code.
        if options.get("clock", True):
            self.beat = start_embedded_beat()
            self.stdout.write(_("Scheduled tasks (Celery beat) started in this process."))
        return super().inner_run(*args, **options)
