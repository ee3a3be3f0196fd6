import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from centres.demo import demo_users_seed, improvement_seed, organisation_seed
from centres.site import site_url
from labelling.demo import label_demo_seed
from surveys.demo.campaigns import demo_links_issue, surveys_demo_seed
from surveys.services.rollups import rollups_seal

DEMO_PASSWORD = "demo-services-publics-plus"


class Command(BaseCommand):
    help = "Load the demo data (organisation, one user per role). Safe to run again."

    def handle(self, *args, verbosity: int = 1, **options):
        # The services log every step they take (one line per seeded action, transition,
        # certificate...): useful in production, noise here unless asked with -v 2.
        if verbosity < 2:
            logging.disable(logging.INFO)
        try:
            self._seed()
        finally:
            logging.disable(logging.NOTSET)

    def _seed(self):
        structure = organisation_seed()
        # Demo accounts can sign in only in development; elsewhere they have no password.
        password = DEMO_PASSWORD if settings.DEBUG else None
        users = demo_users_seed(password=password)
        improvement_seed()
        surveys_demo_seed(structure=structure)
        rollups_seal(today=timezone.localdate())  # what the nightly task would have done
        label_demo_seed()
        self.stdout.write(
            f"Demo organisation ready: {structure.name}, {structure.centres.count()} centres."
        )
        if password:
            self.stdout.write("Demo accounts (development only), password: " + password)
            for demo in users:
                self.stdout.write(f"  {demo.role:<14} {demo.email}")
            self.stdout.write("Survey links to answer now (single use, Lille, new ones each run):")
            for slug, path in demo_links_issue().items():
                self.stdout.write(f"  {slug:<18} {site_url()}{path}")
