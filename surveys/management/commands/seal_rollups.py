from django.core.management.base import BaseCommand
from django.utils import timezone

from ...services.rollups import last_sealable_day, rollups_seal


class Command(BaseCommand):
    help = (
        "Seal the rollups of the days that can no longer change (what the nightly task does): "
        "run it once after deploying a migration that clears the seals."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        moved = rollups_seal(today=today)
        self.stdout.write(f"rollups_sealed campaigns={moved} through={last_sealable_day(today)}")
