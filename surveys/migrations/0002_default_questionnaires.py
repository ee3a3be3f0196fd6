from django.db import migrations


def seed(apps, schema_editor):
    from surveys.defaults import default_questionnaires_seed

    default_questionnaires_seed(apps.get_model("surveys", "Questionnaire"), apps.get_model("surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
