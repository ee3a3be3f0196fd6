"""On PostgreSQL the CSV of responses is written by the database (COPY): the same rows as the
Python CSV, formulas neutralised, the COPY stopped cleanly when the download or the job stops."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from centres.enums import Role
from centres.models import Centre
from surveys.enums import QuestionKind
from surveys.models import Answer, ExportJob, Question, Response
from surveys.queries import exports
from surveys.queries.exports import (
    csv_lines,
    response_csv_by_copy,
    response_csv_stream,
    response_rows,
)
from surveys.services import exports as services_exports
from surveys.services.exports import export_run

from ...conftest import requires_postgresql, wait_for

pytestmark = [
    requires_postgresql,
    pytest.mark.services,
    # Outside a transaction: the COPY runs on a connection of its own, which sees only
    # committed rows.
    pytest.mark.django_db(transaction=True),
]

COMMENTS = [
    "Rapide, efficace",
    'Un "vrai" accueil',
    "Ligne 1\nligne 2",
    "Ligne 1\r\nligne 2",
    "=1+1",
    "+33 6 00 00 00 00",
    "-1",
    "@SUM(A1)",
    "\tTabulation",
    "\rRetour",
    "",
]


@pytest.fixture(autouse=True)
def export_root(tmp_path, settings):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def respond(campaign, centre_code: str, comment: str | None, skip: tuple[str, ...] = ()) -> None:
    response = Response.objects.create(
        campaign=campaign,
        centre=Centre.objects.get(code=centre_code),
        questionnaire=campaign.questionnaire,
        day=date(2026, 3, 9),
    )
    answers = []
    for question in Question.objects.filter(questionnaire=campaign.questionnaire):
        if question.kind == QuestionKind.COMMENT:
            if comment is not None:
                answers.append(Answer(response=response, question=question, text=comment))
        elif question.code not in skip:
            answers.append(Answer(response=response, question=question, value="very"))
    Answer.objects.bulk_create(answers)


@pytest.fixture
def answered(citizen_campaign):
    """At Lille, one response per comment, and one without a comment nor an answer to e5; at
    Lens, one response (outside a Lille referent's scope)."""
    for comment in COMMENTS:
        respond(citizen_campaign, "lille", comment)
    respond(citizen_campaign, "lille", None, skip=("e5",))
    respond(citizen_campaign, "lens", "Hors périmètre")
    return citizen_campaign


def parsed(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export_url(slug="usagers-test"):
    return reverse("surveys:export", kwargs={"slug": slug, "kind": "responses", "fmt": "csv"})


def copies_running() -> list[str]:
    """The states of the other connections to the test database whose last query is a COPY."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND query LIKE 'COPY (%%'"
        )
        return [state for (state,) in cursor.fetchall()]


def test_postgresql_writes_the_rows_of_the_python_csv(answered):
    lille = [Centre.objects.get(code="lille")]
    assert response_csv_by_copy()
    by_copy = b"".join(response_csv_stream(campaign=answered, centres=lille))
    in_python = "".join(
        csv_lines(response_rows(campaign=answered, centres=lille, chunk_size=5))  # 3 pages
    ).encode()
    assert parsed(by_copy) == parsed(in_python)
    assert by_copy.startswith("\ufeffCentre,Jour,Êtes-vous satisfait(e) de l'accueil".encode())
    rows = parsed(by_copy)[1:]
    assert {row[0] for row in rows} == {"lille"} and {row[1] for row in rows} == {"2026-03-09"}
    assert [row[-1] for row in rows] == [
        "Rapide, efficace",
        'Un "vrai" accueil',
        "Ligne 1\nligne 2",
        "Ligne 1\r\nligne 2",
        "'=1+1",
        "'+33 6 00 00 00 00",
        "'-1",
        "'@SUM(A1)",
        "'\tTabulation",
        "'\rRetour",
        "",
        "",  # no comment (NULL)
    ]
    very = "Très satisfait(e)"  # the label, not the stored code `very`
    assert rows[-1][2:] == [very, very, very, "", very, ""]  # no answer to e5


def test_every_line_ends_with_crlf_and_a_line_break_in_a_comment_stays_as_it_is(answered):
    data = b"".join(response_csv_stream(campaign=answered, centres=list(Centre.objects.all())))
    assert data.endswith(b"\r\n") and b'"Ligne 1\nligne 2"' in data
    assert b'"Ligne 1\r\nligne 2"' in data
    # 14 lines (header, 13 responses), one of them with a lone LF inside a quoted comment.
    assert data.count(b"\r\n") == 14 + 1 and data.count(b"\n") == 14 + 2


def test_a_referent_s_download_holds_only_their_centre(client, users, answered):
    client.force_login(users[Role.REFERENT])
    response = client.get(export_url())
    assert response.status_code == 200 and response.streaming
    rows = parsed(b"".join(response.streaming_content))
    assert len(rows) == 1 + len(COMMENTS) + 1 and {row[0] for row in rows[1:]} == {"lille"}


def test_a_download_stopped_early_cancels_the_copy_and_closes_its_connection(
    client, users, citizen_campaign
):
    # About 20 MB of CSV: more than the socket buffers hold, so PostgreSQL is still writing.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO surveys_response (campaign_id, centre_id, questionnaire_id, day)"
            " SELECT %s, %s, %s, %s FROM generate_series(1, 20000)",
            [
                citizen_campaign.pk,
                Centre.objects.get(code="lille").pk,
                citizen_campaign.questionnaire_id,
                date(2026, 3, 9),
            ],
        )
        cursor.execute(
            "INSERT INTO surveys_answer (response_id, question_id, value, text)"
            " SELECT id, %s, '', repeat('x', 1000) FROM surveys_response",
            [Question.objects.get(questionnaire=citizen_campaign.questionnaire, code="comment").pk],
        )
    client.force_login(users[Role.CORRESPONDENT])
    response = client.get(export_url())
    assert next(iter(response.streaming_content)).startswith("\ufeffCentre,Jour,".encode())
    assert "active" in copies_running()  # PostgreSQL still writing
    response.close()
    wait_for(lambda: copies_running() == [], timeout=10)
    assert Response.objects.count() == 20000  # the request's own connection still works


def test_a_csv_job_written_by_postgresql_counts_rows_not_lines(
    client, users, answered, export_root, monkeypatch
):
    monkeypatch.setattr(exports, "CSV_CHUNK_CHARS", 1)  # one chunk per row
    monkeypatch.setattr(services_exports, "PROGRESS_SECONDS", 0)
    job = ExportJob.objects.create(
        requested_by=users[Role.REFERENT], campaign=answered, kind="responses", fmt="csv"
    )
    job.centres.set(Centre.objects.filter(code="lille"))
    seen = []
    real = services_exports._progress
    monkeypatch.setattr(
        services_exports, "_progress", lambda *a, **f: seen.append(f) or real(*a, **f)
    )
    done = export_run(job_id=job.pk)
    total = len(COMMENTS) + 1
    assert seen == [{"rows_total": total}, *({"rows_done": n} for n in range(1, total + 1))] + [
        {"rows_done": total}
    ]
    assert (done.status, done.rows_done, done.rows_total) == ("done", total, total)
    client.force_login(users[Role.REFERENT])
    streamed = b"".join(client.get(export_url()).streaming_content)
    assert (export_root / done.file_path).read_bytes() == streamed
    wait_for(lambda: copies_running() == [], timeout=10)  # a closed backend leaves in a moment


def test_a_job_superseded_during_the_copy_stops_it_and_leaves_no_file(
    users, answered, export_root, monkeypatch
):
    monkeypatch.setattr(exports, "CSV_CHUNK_CHARS", 1)
    monkeypatch.setattr(services_exports, "PROGRESS_SECONDS", 0)
    job = ExportJob.objects.create(
        requested_by=users[Role.CORRESPONDENT], campaign=answered, kind="responses", fmt="csv"
    )
    job.centres.set(Centre.objects.filter(code="lille"))
    real = services_exports._progress

    def progress_then_another_run_claims(job_id, attempt, **fields):
        real(job_id, attempt, **fields)
        if fields.get("rows_done") == 2:
            ExportJob.objects.filter(pk=job_id).update(attempt=attempt + 1)

    monkeypatch.setattr(services_exports, "_progress", progress_then_another_run_claims)
    left = export_run(job_id=job.pk)
    assert (left.status, left.attempt, left.file_path, left.rows_done) == ("running", 2, "", 2)
    assert list(export_root.iterdir()) == []
    wait_for(lambda: copies_running() == [], timeout=10)
