"""Files uploaded for a preview, kept until the person confirms the import.

The file is stored once under its SHA-256 in a private folder (no URL serves it), and the hash is
remembered in the person's session: the confirmation names the hash, and only the session that
uploaded a file may import it."""

import hashlib
import re
import uuid
from pathlib import Path

from django.conf import settings

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
