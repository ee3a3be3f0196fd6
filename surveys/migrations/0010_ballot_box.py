import django.db.models.deletion
from django.db import migrations, models


def used_flag_fill(apps, schema_editor):
    """A link used on any day is used; the day itself is dropped."""
    Invitation = apps.get_model("surveys", "Invitation")
    Invitation.objects.filter(used_on__isnull=False).update(used=True)


class Migration(migrations.Migration):
    dependencies = [
        ("centres", "0002_self_assessment_action_plan"),
        ("surveys", "0009_review_published_cursor"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="used",
            field=models.BooleanField(db_default=False, default=False, verbose_name="used"),
        ),
        migrations.RunPython(used_flag_fill, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="invitation", name="used_on"),
        migrations.AddField(
            model_name="invitation",
            name="mix_pending",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(
                condition=models.Q(("mix_pending", True)),
                fields=["campaign", "centre"],
                name="invitation_mix_pending",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ballots_discarded",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="sheets discarded at the close"
            ),
        ),
        migrations.CreateModel(
            name="Ballot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sheet", models.TextField()),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ballots",
                        to="surveys.campaign",
                    ),
                ),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="centres.centre",
                    ),
                ),
            ],
            options={
                "verbose_name": "sealed answer sheet",
                "verbose_name_plural": "sealed answer sheets",
                "indexes": [
                    models.Index(fields=["campaign", "centre"], name="ballot_campaign_centre")
                ],
            },
        ),
    ]
