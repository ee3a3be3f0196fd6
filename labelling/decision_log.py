"""The hash-chained, append-only decision log.

Each entry stores the hash of the previous entry and the SHA-256 of its own canonical JSON
(sorted keys, no spaces, UTF-8). Changing, inserting or removing a row breaks the chain from
that row on; `manage.py verify_decision_log` walks it."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DecisionLogEntry

GENESIS_HASH = "0" * 64
# Any constant: serialises writers of the chain on PostgreSQL (SQLite has one writer anyway).
_ADVISORY_LOCK_KEY = 7_340_001


def canonical_bytes(
    *,
    sequence: int,
    recorded_at: str,
    kind: str,
    application: int,
    actor: str,
    payload: dict,
    previous_hash: str,
) -> bytes:
    """The canonical JSON of an entry's content, as hashed."""
    document = {
        "sequence": sequence,
        "recorded_at": recorded_at,
        "kind": kind,
        "application": application,
        "actor": actor,
        "payload": payload,
        "previous_hash": previous_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_digest(entry: DecisionLogEntry) -> str:
    """Recompute the SHA-256 of a stored entry."""
    return hashlib.sha256(
        canonical_bytes(
            sequence=entry.sequence,
            recorded_at=entry.recorded_at.astimezone(UTC).isoformat(),
            kind=entry.kind,
            application=entry.application_id_ref,
            actor=entry.actor_ref,
            payload=entry.payload,
            previous_hash=entry.previous_hash,
        )
    ).hexdigest()


def actor_label(user) -> str:
    """How a person appears in the log: id and name, never an e-mail address."""
    if user is None:
        return "system"
    return f"user:{user.pk} {user.full_name}".strip()


@transaction.atomic
def log_append(*, kind: str, application_id: int, actor, payload: dict) -> DecisionLogEntry:
    """Append an entry at the end of the chain (serialised against concurrent writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    last = DecisionLogEntry.objects.order_by("-sequence").first()
    entry = DecisionLogEntry(
        sequence=(last.sequence + 1) if last else 1,
        recorded_at=timezone.now(),
        kind=kind,
        application_id_ref=application_id,
        actor_ref=actor_label(actor),
        payload=json.loads(json.dumps(payload, sort_keys=True, default=str)),
        previous_hash=last.entry_hash if last else GENESIS_HASH,
    )
    entry.entry_hash = entry_digest(entry)
    entry.save()
    return entry


@dataclass(frozen=True)
class LogBreak:
    sequence: int
    problem: str  # for the command's output
    code: str = ""  # missing, chain or altered

    @property
    def message(self) -> str:
        """The problem as the decision log page says it."""
        messages = {
            "missing": _("an entry is missing before it"),
            "chain": _("it does not point at the previous entry's fingerprint"),
            "altered": _("its content no longer matches its fingerprint (altered)"),
        }
        return str(messages.get(self.code, self.problem))


def log_verify() -> tuple[int, list[LogBreak]]:
    """Walk the chain; return the number of entries and every break found."""
    breaks: list[LogBreak] = []
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    count = 0
    for entry in DecisionLogEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        count += 1
        if entry.sequence != expected_sequence:
            breaks.append(
                LogBreak(
                    entry.sequence,
                    f"expected sequence {expected_sequence} (row missing)",
                    "missing",
                )
            )
        if entry.previous_hash != previous_hash:
            breaks.append(
                LogBreak(entry.sequence, "previous_hash does not match the chain", "chain")
            )
        if entry_digest(entry) != entry.entry_hash:
            breaks.append(
                LogBreak(entry.sequence, "content does not match its hash (altered)", "altered")
            )
        previous_hash = entry.entry_hash
        expected_sequence = entry.sequence + 1
    return count, breaks


def chain_head() -> DecisionLogEntry | None:
    """The latest entry: its fingerprint sums up the whole chain up to now."""
    return DecisionLogEntry.objects.order_by("-sequence").first()
