"""The wording of each engagement number, for centres' own pages (self-assessment, actions).

The referential (and so the wording in force) belongs to `labelling`, which `centres` does not
import: labelling registers its reader here when it starts (labelling.apps). Without it, an
engagement reads by its number only."""

from collections.abc import Callable

_reader: Callable[[], dict[int, str]] | None = None


def engagement_wordings_register(reader: Callable[[], dict[int, str]]) -> None:
    global _reader
    _reader = reader


def engagement_wordings() -> dict[int, str]:
    """{number: wording} of the engagements in force (one query), {} before any referential."""
    return _reader() if _reader else {}
