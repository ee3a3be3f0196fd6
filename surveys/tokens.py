"""Invitation tokens: 128 random bits, URL-safe; only their SHA-256 is stored."""

import hashlib
import re
import secrets

TOKEN_BYTES = 16  # 128 bits
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def token_new() -> str:
    """A fresh random token (22 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The stored form of a token. A plain SHA-256 suffices: tokens are 128 random bits."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def token_is_well_formed(token: str) -> bool:
    return bool(TOKEN_PATTERN.match(token))
