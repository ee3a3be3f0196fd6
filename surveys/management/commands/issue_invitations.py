import csv
import io
import time

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from centres.models import Centre
from centres.site import site_url
from surveys.models import Campaign

from ...services.campaigns import invitations_issue


class Command(BaseCommand):
    help = (
        "Issue single-use survey links for a campaign and print them, one absolute URL per "
        "line (or CSV with --format csv). Only a hash of each token is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign code (slug)")
        parser.add_argument("--centre", help="centre code; default: spread over its centres")
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--format", choices=["urls", "csv"], default="urls")
        parser.add_argument("--batch-size", type=int, default=50_000)

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"Unknown campaign: {options['campaign']}")
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        centres = None
        if options["centre"]:
            centre = Centre.objects.filter(
                code=options["centre"], structure_id=campaign.structure_id
            ).first()
            if centre is None:
                raise CommandError(f"Unknown centre for this campaign: {options['centre']}")
            centres = [centre]
        prefix = site_url() + reverse("surveys:answer", kwargs={"token": "TOKEN"})
        prefix = prefix.removesuffix("TOKEN")
        as_csv = options["format"] == "csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if as_csv:
            writer.writerow(["centre", "url"])
        started = time.monotonic()
        pending = 0
        for centre, token in invitations_issue(
            campaign=campaign,
            count=options["count"],
            centres=centres,
            batch_size=options["batch_size"],
        ):
            if as_csv:
                writer.writerow([centre.code, prefix + token])
            else:
                buffer.write(prefix + token + "\n")
            pending += 1
            if pending >= options["batch_size"]:
                self.stdout.write(buffer.getvalue(), ending="")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        self.stdout.write(buffer.getvalue(), ending="")
        self.stderr.write(
            f"invitations_issued campaign={campaign.slug} count={options['count']} "
            f"seconds={time.monotonic() - started:.1f}"
        )
