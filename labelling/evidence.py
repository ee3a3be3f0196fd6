"""Reading stored evidence files back: integrity check against the SHA-256 recorded at upload,
and a download name that cannot carry a path, a header or a misleading extension."""

import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from django.core.files import File
from django.utils.translation import gettext as _

from .models import Evidence
from .services import EVIDENCE_TYPES

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


class EvidenceUnavailable(Exception):
    """The stored file is missing or no longer matches its SHA-256 (shown as a French 409)."""


def evidence_open_verified(evidence: Evidence) -> File:
    """Open the stored file, check its SHA-256, and return it rewound, ready to stream."""
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except OSError as exc:
        logger.error("evidence_missing evidence=%s audit=%s", evidence.pk, evidence.audit_id)
        raise EvidenceUnavailable(
            _("The file of this evidence cannot be found in the storage. Tell the DITP team.")
        ) from exc
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    if digest.hexdigest() != evidence.sha256:
        handle.close()
        logger.error(
            "evidence_integrity_failed evidence=%s audit=%s", evidence.pk, evidence.audit_id
        )
        raise EvidenceUnavailable(
            _(
                "The stored file no longer matches the SHA-256 recorded when it was uploaded: "
                "it is not sent. Tell the DITP team."
            )
        )
    handle.seek(0)
    return handle


def evidence_extension(evidence: Evidence) -> str:
    """The extension of the stored file (its name is ours), if it is an accepted type."""
    extension = Path(evidence.file.name).suffix.lower()
    return extension if extension in EVIDENCE_TYPES else ""


def evidence_content_type(evidence: Evidence) -> str:
    """The type from the accepted list, never what the uploader's browser claimed."""
    extension = evidence_extension(evidence)
    return EVIDENCE_TYPES[extension][0] if extension else "application/octet-stream"


def evidence_download_name(evidence: Evidence) -> str:
    """An ASCII file name: no path, quote, control or direction character; our extension."""
    stem = unicodedata.normalize("NFKD", Path(evidence.original_name).stem)
    stem = stem.encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80]
    prefix = f"preuve-{evidence.pk}"
    return (
        f"{prefix}-{stem}{evidence_extension(evidence)}"
        if stem
        else (f"{prefix}{evidence_extension(evidence)}")
    )
