from django.core.management.base import BaseCommand, CommandError

from surveys.models import Campaign

from ...services.rollups import rollup_totals_differences, rollups_differences


class Command(BaseCommand):
    help = (
        "Recompute the daily rollups from the raw responses, and the running totals of sealed "
        "days from the daily ones, and compare. Exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="campaign code (slug); default: every campaign")

    def handle(self, *args, **options):
        campaign_ids = None
        if options["campaign"]:
            campaign_ids = list(
                Campaign.objects.filter(slug=options["campaign"]).values_list("id", flat=True)
            )
            if not campaign_ids:
                raise CommandError(f"Unknown campaign: {options['campaign']}")
        differences = rollups_differences(campaign_ids=campaign_ids)
        for (campaign_id, question_id, centre_id, day, value), stored, expected in differences:
            self.stdout.write(
                f"rollup_difference campaign={campaign_id} question={question_id} "
                f"centre={centre_id} day={day} value={value} stored={stored} expected={expected}"
            )
        totals = rollup_totals_differences(campaign_ids=campaign_ids)
        for (campaign_id, question_id, centre_id, day, value), stored, expected in totals:
            self.stdout.write(
                f"rollup_total_difference campaign={campaign_id} question={question_id} "
                f"centre={centre_id} day={day} value={value} stored={stored} "
                f"expected={expected}"
            )
        if differences:
            raise CommandError(f"{len(differences)} rollup cell(s) differ from the responses.")
        if totals:
            raise CommandError(
                f"{len(totals)} running-total cell(s) differ from the daily rollups."
            )
        self.stdout.write("rollups_ok")
