from django.core.management.base import BaseCommand, CommandError

from labelling.decision_log import log_verify


class Command(BaseCommand):
    help = "Check the hash chain of the decision log; exit with status 1 on any break."

    def handle(self, *args, **options):
        count, breaks = log_verify()
        for item in breaks:
            self.stderr.write(f"sequence={item.sequence} problem={item.problem!r}")
        if breaks:
            raise CommandError(f"decision log broken: {len(breaks)} problem(s) in {count} entries")
        self.stdout.write(f"decision log intact: {count} entries")
