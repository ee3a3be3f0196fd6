"""Accent-insensitive search of the public « Trouver un service » page (centres.search).

PostgreSQL only: unaccent and pg_trgm, an IMMUTABLE wrapper so that it can be indexed, and
trigram GIN indexes on exactly the expressions centres.search.SearchText writes. SQLite
registers the same function in Python and scans (the demo is small)."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE OR REPLACE FUNCTION spp_search_text(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$""",
    """CREATE INDEX IF NOT EXISTS centres_centre_search_trgm ON centres_centre
       USING gin (spp_search_text(name || ' ' || city || ' ' || postal_code) gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS centres_structure_search_trgm ON centres_structure
       USING gin (spp_search_text(name) gin_trgm_ops)""",
    """CREATE INDEX IF NOT EXISTS centres_centre_postal_code_prefix ON centres_centre
       (postal_code varchar_pattern_ops)""",
]
BACKWARD = [
    "DROP INDEX IF EXISTS centres_centre_postal_code_prefix",
    "DROP INDEX IF EXISTS centres_structure_search_trgm",
    "DROP INDEX IF EXISTS centres_centre_search_trgm",
    "DROP FUNCTION IF EXISTS spp_search_text(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("centres", "0003_organisation_activity_agents")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
