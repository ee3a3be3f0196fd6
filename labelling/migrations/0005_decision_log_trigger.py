"""On PostgreSQL, the database itself refuses UPDATE and DELETE on the decision log."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION labelling_decision_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'labelling_decisionlogentry is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS labelling_decision_log_append_only ON labelling_decisionlogentry;
CREATE TRIGGER labelling_decision_log_append_only
    BEFORE UPDATE OR DELETE ON labelling_decisionlogentry
    FOR EACH ROW EXECUTE FUNCTION labelling_decision_log_append_only();
"""
# No TRUNCATE trigger: the test runner empties tables with TRUNCATE between transactional tests,
# and TRUNCATE needs table ownership, which the application's role should not have.

DROP = """
DROP TRIGGER IF EXISTS labelling_decision_log_append_only ON labelling_decisionlogentry;
DROP FUNCTION IF EXISTS labelling_decision_log_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("labelling", "0004_default_criteria_and_level_rules")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
