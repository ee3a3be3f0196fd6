"""The referential in force since the CITP of 9 May 2023 (arrêté of 31 August 2023)."""

from django.db import migrations

ENGAGEMENTS = [
    (1, "closer", "Dans le respect mutuel, vous êtes accueillis avec bienveillance et avez le droit à l'erreur."),
    (2, "closer", "Vous pouvez facilement entrer en contact avec vos services publics."),
    (3, "closer", "Vous bénéficiez d'un accompagnement adapté à votre situation personnelle."),
    (4, "efficient", "Votre demande est traitée dans les délais annoncés."),
    (5, "efficient", "Vous disposez d'une information claire, simple et accessible."),
    (6, "efficient", "Vous avez accès à nos résultats de qualité de service."),
    (7, "simpler", "Votre avis est pris en compte pour améliorer le service rendu."),
    (8, "simpler", "Avec vous, nous agissons pour limiter notre impact sur l'environnement."),
]


def create_referential(apps, schema_editor):
    Referential = apps.get_model("labelling", "Referential")
    Engagement = apps.get_model("labelling", "Engagement")
    referential, created = Referential.objects.get_or_create(
        version=1,
        defaults={
            "name": "Référentiel Services Publics+ 2023",
            "status": "active",
            "is_illustrative": True,
            "legal_basis": "Arrêté du 31 août 2023 (engagements adoptés au CITP du 9 mai 2023)",
        },
    )
    if created:
        Engagement.objects.bulk_create(
            Engagement(referential=referential, number=n, group=g, title=t)
            for n, g, t in ENGAGEMENTS
        )


class Migration(migrations.Migration):
    dependencies = [("labelling", "0001_initial")]
    operations = [migrations.RunPython(create_referential, migrations.RunPython.noop)]
