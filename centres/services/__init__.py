"""Writes of the centres app, one module per workflow: a centre's self-assessment, its action
plan (with the overdue reminders).

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
from .self_assessment import (
    EntryData,
    missing_engagements,
    self_assessment_save,
    self_assessment_submit,
)

__all__ = [
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
