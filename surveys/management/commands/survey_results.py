import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from surveys.models import Campaign

from ...queries.results import campaign_results


def _row(row) -> dict:
    if row.hidden:
        return {"key": str(row.key), "label": row.label, "hidden": True}
    return {"key": str(row.key), "label": row.label, **row.rate.as_dict()}


class Command(BaseCommand):
    help = "Print a campaign's results (the figures of the results page) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign code (slug)")
        parser.add_argument("--centre", help="centre code; default: every centre")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options):
        campaign = (
            Campaign.objects.select_related("questionnaire", "structure")
            .filter(slug=options["campaign"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"Unknown campaign: {options['campaign']}")
        centres = list(campaign.structure.centres.all())
        if options["centre"]:
            centres = [c for c in centres if c.code == options["centre"]]
            if not centres:
                raise CommandError(f"Unknown centre for this campaign: {options['centre']}")
        end = min(campaign.closes_on, timezone.localdate())
        figures = campaign_results(
            campaign=campaign,
            centres=centres,
            start=campaign.opens_on,
            end=max(end, campaign.opens_on),
        )
        payload = {
            "campaign": campaign.slug,
            "audience": campaign.questionnaire.audience,
            "start": figures.start.isoformat(),
            "end": figures.end.isoformat(),
            "centres": [c.code for c in centres],
            "by_engagement": [_row(r) for r in figures.by_engagement],
            "by_centre": [_row(r) for r in figures.by_centre],
            "by_month": [_row(r) for r in figures.by_month],
            "total": _row(figures.total) if figures.total else None,
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
