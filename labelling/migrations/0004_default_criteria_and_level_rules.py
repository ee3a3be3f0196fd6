"""Audit criteria and level rules of referential version 1 (illustrative values)."""

from django.db import migrations

from labelling.defaults import CRITERIA, LEVEL_RULES


def load(apps, schema_editor):
    Referential = apps.get_model("labelling", "Referential")
    Engagement = apps.get_model("labelling", "Engagement")
    AuditCriterion = apps.get_model("labelling", "AuditCriterion")
    LevelRule = apps.get_model("labelling", "LevelRule")
    referential = Referential.objects.filter(version=1).first()
    if referential is None:
        return
    engagements = {e.number: e for e in Engagement.objects.filter(referential=referential)}
    for number, code, title, weight in CRITERIA:
        AuditCriterion.objects.get_or_create(
            engagement=engagements[number], code=code, defaults={"title": title, "weight": weight}
        )
    for level, values in LEVEL_RULES.items():
        LevelRule.objects.get_or_create(referential=referential, level=level, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("labelling", "0003_audits_decisions_certificates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
