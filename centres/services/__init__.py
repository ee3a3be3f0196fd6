"""Writes of the centres app, one module per workflow: a centre's self-assessment, its action
plan (with the overdue reminders), the organisation import, people and roles.

Every service is keyword-only and atomic; the names are re-exported here."""

from .actions import (
    EDITABLE_ACTION_FIELDS,
    REMINDER_INTERVAL_DAYS,
    action_abandon,
    action_close,
    action_create,
    action_publish,
    action_reminder_send,
    action_update,
    reminder_recipients,
)
from .organisation import organisation_import_apply, organisation_import_check
from .people import (
    invitation_accept,
    person_invite,
    person_invite_again,
    person_set_active,
    role_grant,
    role_revoke,
)
from .self_assessment import (
    EntryData,
    missing_engagements,
    self_assessment_save,
    self_assessment_submit,
)

__all__ = [
    "invitation_accept",
    "organisation_import_apply",
    "organisation_import_check",
    "person_invite",
    "person_invite_again",
    "person_set_active",
    "role_grant",
    "role_revoke",
    "EntryData",
    "missing_engagements",
    "self_assessment_save",
    "self_assessment_submit",
    "EDITABLE_ACTION_FIELDS",
    "REMINDER_INTERVAL_DAYS",
    "action_abandon",
    "action_close",
    "action_create",
    "action_publish",
    "action_reminder_send",
    "action_update",
    "reminder_recipients",
]
