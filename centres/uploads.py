"""Uploads stopped as soon as they pass the limit, instead of being received whole first.

Two guards, both on UPLOAD_MAX_BYTES (the largest file any form accepts):
- UploadLimitMiddleware refuses a body whose Content-Length already says it is too large,
  before a byte of it is read (a French 413);
- SizeLimitedUploadHandler (first of FILE_UPLOAD_HANDLERS) counts the bytes of the files as
  they arrive and stops storing them past the limit (what is left of the body is then under
  BODY_MARGIN_BYTES); the view answers 413 (`upload_too_large`).
Django parses no multipart body without a Content-Length.
The proxy in front should refuse larger bodies itself (README, « Uploads »).

Files uploaded for a preview (imports) are kept until the person confirms. Each is stored
once under its SHA-256 in a private folder (no URL serves it), and the hash is remembered in
the person's session: the confirmation names the hash, and only the session that uploaded a
file may import it. A file not confirmed within UPLOAD_STAGING_HOURS is deleted
(`uploads_purge`, Celery beat hourly)."""

import hashlib
import logging
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.utils.translation import gettext as _

from .params import ascii_int

logger = logging.getLogger(__name__)

# Room for the other fields and the multipart headers around the file.
BODY_MARGIN_BYTES = 64 * 1024


def upload_max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def too_large_message(max_bytes: int) -> str:
    """« Le fichier est trop volumineux (10 Mo au maximum). »"""
    return _("The file is too large (%(max)s MB at most).") % {"max": max_bytes // (1024 * 1024)}


def upload_too_large(request) -> bool:
    """True when SizeLimitedUploadHandler stopped reading this request's files."""
    request.FILES  # noqa: B018 - parses the body if nothing did yet (the handler marks it)
    return getattr(request, "upload_too_large", False)


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops an upload once its files pass UPLOAD_MAX_BYTES, and marks the request."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_max_bytes():
            self.request.upload_too_large = True
            # The rest of the body is under BODY_MARGIN_BYTES (UploadLimitMiddleware): read it
            # off, so that the browser gets the 413 page rather than a reset connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def too_large_response(request):
    """The French 413 page of a file over the limit."""
    context = {
        "status": 413,
        "title": _("File too large"),
        "message": too_large_message(upload_max_bytes()),
    }
    return render(request, "errors/error.html", context, status=413)


class UploadLimitMiddleware:
    """A French 413 for a body announced larger than any upload, before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = ascii_int(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > upload_max_bytes() + BODY_MARGIN_BYTES:
            return too_large_response(request)
        return self.get_response(request)


# Files kept for a preview, until the person confirms the import.

SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SESSION_KEY = "spplus_uploads"
_KEPT_PER_SESSION = 10


def upload_root() -> Path:
    return Path(getattr(settings, "UPLOAD_ROOT", Path(settings.MEDIA_ROOT) / "private" / "uploads"))


def store_upload(request, uploaded, *, kind: str) -> str:
    """Store an uploaded file for `kind` and return its SHA-256 (remembered in the session)."""
    digest = hashlib.sha256()
    folder = upload_root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".partial-{uuid.uuid4().hex}"
    with partial.open("wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    partial.replace(folder / sha)
    kept = [k for k in request.session.get(_SESSION_KEY, []) if k != f"{kind}:{sha}"]
    request.session[_SESSION_KEY] = [*kept, f"{kind}:{sha}"][-_KEPT_PER_SESSION:]
    return sha


def read_upload(request, *, kind: str, sha: str) -> bytes | None:
    """The bytes of a file this session uploaded for `kind`, or None (unknown, foreign, gone)."""
    if not isinstance(sha, str) or not SHA256.match(sha):
        return None
    if f"{kind}:{sha}" not in request.session.get(_SESSION_KEY, []):
        return None
    path = upload_root() / kind / sha
    return path.read_bytes() if path.is_file() else None


def discard_upload(request, *, kind: str, sha: str) -> None:
    """Forget an imported file: delete it and drop it from the session."""
    if not isinstance(sha, str) or not SHA256.match(sha):
        return
    (upload_root() / kind / sha).unlink(missing_ok=True)
    request.session[_SESSION_KEY] = [
        k for k in request.session.get(_SESSION_KEY, []) if k != f"{kind}:{sha}"
    ]


def uploads_purge(*, now: float | None = None) -> int:
    """Delete the files that waited for a confirmation longer than UPLOAD_STAGING_HOURS (an
    import previewed, then abandoned; an upload cut off half-way). A survey institute's file
    holds comments before they are masked: it must not wait for ever. Returns the number of
    files deleted; idempotent (Celery beat, hourly)."""
    now = time.time() if now is None else now
    limit = now - settings.UPLOAD_STAGING_HOURS * 3600
    deleted = 0
    root = upload_root()
    if not root.is_dir():
        return 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    deleted += 1
            except FileNotFoundError:  # deleted by a confirmation meanwhile
                continue
    if deleted:
        logger.info("uploads_purged files=%s", deleted)
    return deleted
