from django.core.management.base import BaseCommand

from labelling.services import labels_expire


class Command(BaseCommand):
    help = "Mark labels past their validity as expired (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"expired={labels_expire()}")
