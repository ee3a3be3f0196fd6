"""Writes of the label workflow: applications, audits, proposals, decisions, appeals.

Every service is atomic, locks the application row (select_for_update) before it checks the
status, checks the actor's role and scope itself (views check too, but the rule lives here),
records the step in the application's timeline and, for decision-level events, in the
hash-chained decision log.

One module per step of the workflow; this package re-exports their services."""

from ._common import (
    FOLLOW_UP_MONTHS,
    LABELLED_STATUSES,
    VALIDITY_YEARS,
    LabelError,
    add_months,
    validity_end,
)
from .audits import (
    EVIDENCE_TYPES,
    application_create,
    application_submit,
    audit_close,
    audit_plan,
    audit_sites_override,
    evidence_add,
    evidence_check,
    evidence_max_bytes,
    finding_add,
    finding_close,
    grid_entry_save,
)
from .decisions import (
    appeal_file,
    appeal_review,
    certificate_request,
    decision_take,
    derogation_confirm,
    derogation_decline,
    label_reinstate,
    label_suspend,
    label_withdraw,
    labels_expire,
    proposal_make,
)
from .referential import (
    level_rule_update,
    referential_activate,
    referential_version_create,
    referential_version_derive,
)

__all__ = [
    "add_months",
    "validity_end",
    "VALIDITY_YEARS",
    "FOLLOW_UP_MONTHS",
    "LABELLED_STATUSES",
    "LabelError",
    "referential_version_create",
    "referential_version_derive",
    "level_rule_update",
    "referential_activate",
    "application_create",
    "application_submit",
    "audit_plan",
    "audit_sites_override",
    "grid_entry_save",
    "finding_add",
    "finding_close",
    "evidence_max_bytes",
    "evidence_check",
    "evidence_add",
    "audit_close",
    "EVIDENCE_TYPES",
    "proposal_make",
    "decision_take",
    "derogation_confirm",
    "derogation_decline",
    "certificate_request",
    "label_suspend",
    "label_reinstate",
    "label_withdraw",
    "appeal_file",
    "appeal_review",
    "labels_expire",
]
