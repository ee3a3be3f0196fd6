"""Writes of the surveys app, one module per workflow: questionnaires, campaigns
(links and agent contacts), answering, rollups, exports, reviews.

Every service is keyword-only and atomic. The names of the first four modules are re-exported
here, so `from surveys.services import campaign_create` reads as before."""

from .answering import (
    AnswerInput,
    InvitationError,
    InvitationExpired,
    InvitationUnknown,
    InvitationUsed,
    invitation_for_token,
    questionnaire_questions,
    response_submit,
)
from .campaigns import (
    INVITATION_BATCH_SIZE,
    ContactImportError,
    agent_contacts_import,
    agent_contacts_purge,
    agent_invitation_send,
    campaign_api_key_rotate,
    campaign_can_close_early,
    campaign_close_early,
    campaign_create,
    invitation_expiry,
    invitations_issue,
)
from .questionnaires import (
    QuestionData,
    QuestionnaireChanges,
    questionnaire_changes,
    questionnaire_freeze,
    questionnaire_new_version,
    questionnaire_version_create,
)
from .rollups import (
    ONE_DAY,
    ROLLUP_SHARDS,
    Cell,
    RollupKey,
    last_sealable_day,
    rollup_totals_differences,
    rollups_differences,
    rollups_increment,
    rollups_recompute,
    rollups_seal,
    rollups_unseal,
)

__all__ = [
    "QuestionData",
    "QuestionnaireChanges",
    "questionnaire_changes",
    "questionnaire_freeze",
    "questionnaire_new_version",
    "questionnaire_version_create",
    "ContactImportError",
    "INVITATION_BATCH_SIZE",
    "agent_contacts_import",
    "agent_contacts_purge",
    "agent_invitation_send",
    "campaign_api_key_rotate",
    "campaign_can_close_early",
    "campaign_close_early",
    "campaign_create",
    "invitation_expiry",
    "invitations_issue",
    "AnswerInput",
    "InvitationError",
    "InvitationExpired",
    "InvitationUnknown",
    "InvitationUsed",
    "invitation_for_token",
    "questionnaire_questions",
    "response_submit",
    "Cell",
    "ONE_DAY",
    "ROLLUP_SHARDS",
    "RollupKey",
    "last_sealable_day",
    "rollup_totals_differences",
    "rollups_differences",
    "rollups_increment",
    "rollups_recompute",
    "rollups_seal",
    "rollups_unseal",
]
