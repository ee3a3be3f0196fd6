import json

from django.core.management.base import BaseCommand, CommandError

from labelling.models import Application, Referential
from labelling.scorecard import scorecard_build


class Command(BaseCommand):
    help = "Print an application's scorecard (per engagement, each level rule explained)."

    def add_arguments(self, parser):
        parser.add_argument("--application", type=int, required=True, help="application id")
        parser.add_argument("--format", choices=["json", "text"], default="text")
        parser.add_argument(
            "--referential-version", type=int, help="what-if: evaluate against another version"
        )

    def handle(self, *args, application, format, referential_version=None, **options):
        found = Application.objects.select_related("structure", "referential").filter(
            pk=application
        )
        if not found:
            raise CommandError(f"no application with id {application}")
        referential = None
        if referential_version is not None:
            referential = Referential.objects.filter(version=referential_version).first()
            if referential is None:
                raise CommandError(f"no referential version {referential_version}")
        card = scorecard_build(found[0], referential=referential)
        if format == "json":
            self.stdout.write(json.dumps(card, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{card['structure']} {card['cycle']}: {card['result']}")
        for level in card["levels"]:
            for check in level["checks"]:
                self.stdout.write(f"  {check['sentence']}")
