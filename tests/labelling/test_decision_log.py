"""The hash-chained, append-only decision log and verify_decision_log."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from centres.enums import Role
from labelling import services
from labelling.decision_log import GENESIS_HASH, entry_digest, log_append, log_verify
from labelling.enums import LogKind
from labelling.models import AppendOnlyError, DecisionLogEntry
from tests.conftest import requires_postgresql

from .conftest import drive


@pytest.fixture
def chain(db, users):
    return [
        log_append(
            kind=LogKind.DECISION, application_id=1, actor=users[Role.DECIDER], payload={"n": i}
        )
        for i in range(3)
    ]


def test_each_entry_stores_the_previous_hash_and_its_own(chain):
    assert chain[0].previous_hash == GENESIS_HASH
    assert [e.previous_hash for e in chain[1:]] == [e.entry_hash for e in chain[:-1]]
    assert all(entry_digest(e) == e.entry_hash for e in chain)


def test_the_log_names_people_by_id_never_by_email(chain, users):
    assert users[Role.DECIDER].email not in chain[0].actor_ref


def test_the_workflow_logs_proposal_decision_and_certificate(
    application, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        drive(application, users, "decided")
    services.label_suspend(application_id=application.pk, reason="x", by=users[Role.DECIDER])
    kinds = list(DecisionLogEntry.objects.values_list("kind", flat=True))
    # Without survey figures the scorecard refuses: Argent is a derogation, confirmed in drive().
    assert kinds == ["proposal", "derogation", "decision", "certificate", "suspension"]
    assert log_verify() == (5, [])


def test_application_code_cannot_update_or_delete_an_entry(chain):
    entry = chain[1]
    entry.payload = {"n": 99}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        DecisionLogEntry.objects.filter(pk=entry.pk).update(payload={})
    with pytest.raises(AppendOnlyError):
        DecisionLogEntry.objects.all().delete()


def _tamper(sql, params):
    """Change the table behind the application's back, as an attacker with SQL access would.

    On PostgreSQL the trigger must be bypassed first; `SET LOCAL` confines that to the test's
    own transaction, which pytest rolls back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_verify_decision_log_passes_on_an_intact_chain(chain, capsys):
    call_command("verify_decision_log")
    assert "3 entries" in capsys.readouterr().out


def test_verify_decision_log_fails_on_an_altered_row(chain):
    table = DecisionLogEntry._meta.db_table
    _tamper(f"UPDATE {table} SET payload = %s WHERE sequence = 2", ['{"n": 42}'])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_decision_log")
    _count, breaks = log_verify()
    assert [b.sequence for b in breaks] == [2]


def test_verify_decision_log_fails_on_a_deleted_row(chain):
    _tamper(f"DELETE FROM {DecisionLogEntry._meta.db_table} WHERE sequence = 2", [])
    _count, breaks = log_verify()
    assert {b.sequence for b in breaks} == {3}


def test_verify_decision_log_exits_non_zero_from_the_command_line(chain):
    from django.core.management import execute_from_command_line

    _tamper(f"UPDATE {DecisionLogEntry._meta.db_table} SET actor_ref = 'x' WHERE sequence = 1", [])
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_decision_log"])
    assert exit_info.value.code == 1


@requires_postgresql
def test_on_postgresql_the_database_itself_refuses_update_and_delete(chain):
    table = DecisionLogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET kind = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
