"""Shared by the centres services."""

from ..models import (
    User,
)


def _user_id(user: User | None) -> int | None:
    return user.pk if user is not None else None
