import time

from django.core.management.base import BaseCommand

from ...models import Ballot
from ...services.ballot import ballots_mix


class Command(BaseCommand):
    help = (
        "Count the sealed answer sheets now, as the beat task does every minute (batches of at "
        "least k per centre; idempotent); prints what it did and how long it took."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        report = ballots_mix()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"ballots_mixed batches={report.batches} sheets={report.mixed} "
            f"discarded={report.discarded} waiting={Ballot.objects.count()} "
            f"seconds={seconds:.2f}"
        )
