"""The notifications of the label workflow: who is told of each step, and what they read.

The workflow services call one line each (`notify_on_commit(kind, obj)`); everything else is
here and in `centres.notifications`. Audiences, by role and scope:
- the structure: its network's correspondents and the quality referents of its centres;
- the body: the auditors of the application's certification body (the audit team for an audit);
- the deciders and the DITP administrators, nationally."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from centres.enums import Role
from centres.notifications import Kind, Message, ditp_admins, everyone_of, holders, register

from .enums import FindingKind

FOLLOW_UP_NOTICE_DAYS = 60


def _structure_people(application):
    structure = application.structure
    return (
        holders(Role.CORRESPONDENT, network=structure.network_id),
        holders(Role.REFERENT, centre__structure=structure.pk),
    )


def _body_auditors(application):
    return holders(Role.AUDITOR, certification_body=application.certification_body_id)


def _deciders():
    return holders(Role.DECIDER)


def _application_url(application) -> str:
    return reverse("labelling:application_detail", args=[application.pk])


def _name(application) -> dict:
    return {"structure": application.structure.name, "cycle": application.cycle}


def _kind(name, model, recipients, message, select_related=()):
    register(Kind(name, model, recipients, message, tuple(select_related)))


APPLICATION = ("structure", "certification_body")
OF_APPLICATION = tuple(f"application__{f}" for f in APPLICATION)

# Application submitted: the certification body and the DITP learn of it.
_kind(
    "application_submitted",
    "labelling.Application",
    lambda a: everyone_of(_body_auditors(a), ditp_admins(), *_structure_people(a)),
    lambda a: Message(
        _("Label application submitted: %(structure)s (%(cycle)s)") % _name(a),
        _("The label application of %(structure)s for %(cycle)s has been submitted to %(body)s.")
        % {**_name(a), "body": a.certification_body.name},
        _application_url(a),
    ),
    APPLICATION,
)


def _audit_team(audit):
    from centres.models import User

    return User.objects.filter(
        pk__in=[audit.lead_auditor_id, *audit.team.values_list("pk", flat=True)]
    )


def _audit_dates(audit) -> dict:
    return {
        **_name(audit.application),
        "start": audit.start_date.strftime("%d/%m/%Y"),
        "end": audit.end_date.strftime("%d/%m/%Y"),
    }


# Audit planned, with its dates: the structure and the audit team.
_kind(
    "audit_planned",
    "labelling.Audit",
    lambda audit: everyone_of(_audit_team(audit), *_structure_people(audit.application)),
    lambda audit: Message(
        _("Audit planned from %(start)s to %(end)s: %(structure)s") % _audit_dates(audit),
        _(
            "The audit of %(structure)s (%(cycle)s) is planned from %(start)s to %(end)s. "
            "Sites sampled: %(sites)s."
        )
        % {
            **_audit_dates(audit),
            "sites": ", ".join(s.centre.name for s in audit.sites.select_related("centre")),
        },
        reverse("labelling:audit_detail", args=[audit.pk]),
    ),
    OF_APPLICATION,
)

# Grid submitted (audit closed): the structure, the DITP and the deciders.
_kind(
    "grid_submitted",
    "labelling.Audit",
    lambda audit: everyone_of(ditp_admins(), _deciders(), *_structure_people(audit.application)),
    lambda audit: Message(
        _("Audit grid submitted: %(structure)s (%(cycle)s)") % _name(audit.application),
        _("The auditors have submitted the grid of the audit of %(structure)s (%(cycle)s).")
        % _name(audit.application),
        reverse("labelling:audit_detail", args=[audit.pk]),
    ),
    OF_APPLICATION,
)


def _open_nonconformities(audit):
    return audit.findings.filter(
        closed_at__isnull=True, kind__in=[FindingKind.MAJOR_NC, FindingKind.MINOR_NC]
    )


def _open_nonconformities_text(count: int) -> str:
    return ngettext(
        "%(count)s non-conformity of the audit is still open: answer it with an action.",
        "%(count)s non-conformities of the audit are still open: answer them with an action.",
        count,
    ) % {"count": count}


def _findings_recipients(audit):
    if not _open_nonconformities(audit).exists():
        return []
    return everyone_of(*_structure_people(audit.application))


# Findings to close: the structure, when the closed audit left non-conformities open.
_kind(
    "findings_to_close",
    "labelling.Audit",
    _findings_recipients,
    lambda audit: Message(
        _("Findings to close: %(structure)s (%(cycle)s)") % _name(audit.application),
        _open_nonconformities_text(_open_nonconformities(audit).count()),
        reverse("labelling:finding_list", args=[audit.application_id]),
    ),
    OF_APPLICATION,
)

# Proposal made: the deciders and the DITP.
_kind(
    "proposal_made",
    "labelling.Proposal",
    lambda p: everyone_of(_deciders(), ditp_admins()),
    lambda p: Message(
        _("Level proposed: %(structure)s (%(cycle)s)") % _name(p.application),
        _(
            "The lead auditor has proposed « %(outcome)s » for %(structure)s (%(cycle)s): "
            "a decider who did not audit decides."
        )
        % {**_name(p.application), "outcome": p.get_outcome_display()},
        _application_url(p.application),
    ),
    OF_APPLICATION,
)

# Decision taken: the structure, the body's auditors and the DITP.
_kind(
    "decision_taken",
    "labelling.Decision",
    lambda d: everyone_of(
        ditp_admins(), _body_auditors(d.application), *_structure_people(d.application)
    ),
    lambda d: Message(
        _("Label decision: %(outcome)s for %(structure)s (%(cycle)s)")
        % {**_name(d.application), "outcome": d.get_outcome_display()},
        _("The decision on %(structure)s (%(cycle)s) is « %(outcome)s ».")
        % {**_name(d.application), "outcome": d.get_outcome_display()},
        _application_url(d.application),
    ),
    OF_APPLICATION,
)


def _appeal_examiners(appeal):
    """The deciders who may examine it (neither decided nor audited the application)."""
    from .access import eligible_appeal_examiners

    return eligible_appeal_examiners(appeal.application)


# Appeal filed: the deciders who may examine it, and the DITP.
_kind(
    "appeal_filed",
    "labelling.Appeal",
    lambda appeal: everyone_of(_appeal_examiners(appeal), ditp_admins()),
    lambda appeal: Message(
        _("Appeal filed: %(structure)s (%(cycle)s)") % _name(appeal.application),
        _("%(structure)s has appealed against the decision; another decider examines it.")
        % _name(appeal.application),
        _application_url(appeal.application),
    ),
    OF_APPLICATION,
)

# Appeal examined: the structure and the DITP.
_kind(
    "appeal_examined",
    "labelling.Appeal",
    lambda appeal: everyone_of(ditp_admins(), *_structure_people(appeal.application)),
    lambda appeal: Message(
        _("Appeal examined: %(outcome)s (%(structure)s)")
        % {**_name(appeal.application), "outcome": appeal.get_outcome_display()},
        _("The appeal of %(structure)s (%(cycle)s) has been examined: « %(outcome)s ».")
        % {**_name(appeal.application), "outcome": appeal.get_outcome_display()},
        _application_url(appeal.application),
    ),
    OF_APPLICATION,
)


def _label_change(title, text):
    return lambda a: Message(str(title) % _name(a), str(text) % _name(a), _application_url(a))


_everyone_of_the_label = lambda a: everyone_of(  # noqa: E731
    ditp_admins(), _body_auditors(a), *_structure_people(a)
)
_kind(
    "label_suspended",
    "labelling.Application",
    _everyone_of_the_label,
    _label_change(
        _lazy("Label suspended: %(structure)s (%(cycle)s)"),
        _lazy("The label of %(structure)s (%(cycle)s) is suspended."),
    ),
    APPLICATION,
)
_kind(
    "label_withdrawn",
    "labelling.Application",
    _everyone_of_the_label,
    _label_change(
        _lazy("Label withdrawn: %(structure)s (%(cycle)s)"),
        _lazy("The label of %(structure)s (%(cycle)s) is withdrawn."),
    ),
    APPLICATION,
)

# Certificate ready, with its link: the structure and the DITP.
_kind(
    "certificate_ready",
    "labelling.Certificate",
    lambda c: everyone_of(ditp_admins(), *_structure_people(c.decision.application)),
    lambda c: Message(
        _("Certificate ready: %(number)s") % {"number": c.number},
        _("The label certificate %(number)s of %(structure)s is ready to download.")
        % {**_name(c.decision.application), "number": c.number},
        reverse("labelling:certificate_detail", args=[c.pk]),
    ),
    ("decision__application__structure",),
)

# Follow-up audit due within 60 days: the structure and the body's auditors (a daily sweep).
_kind(
    "follow_up_due",
    "labelling.Application",
    lambda a: everyone_of(_body_auditors(a), *_structure_people(a)),
    lambda a: Message(
        _("Follow-up audit due on %(date)s: %(structure)s")
        % {**_name(a), "date": a.follow_up_due.strftime("%d/%m/%Y")},
        _("The follow-up audit of %(structure)s (%(cycle)s) is due on %(date)s: plan it.")
        % {**_name(a), "date": a.follow_up_due.strftime("%d/%m/%Y")},
        _application_url(a),
    ),
    APPLICATION,
)


def follow_up_due_sweep(today=None) -> int:
    """Notify each labelled application whose follow-up audit falls within 60 days (once)."""
    from centres.notifications import notify_on_commit

    from .models import Application
    from .services._common import LABELLED_STATUSES

    today = today or timezone.localdate()
    due = Application.objects.filter(
        status__in=LABELLED_STATUSES,
        follow_up_due__gte=today,
        follow_up_due__lte=today + timedelta(days=FOLLOW_UP_NOTICE_DAYS),
    )
    count = 0
    for application in due:
        notify_on_commit(
            "follow_up_due", application, key=f"{application.pk}:{application.follow_up_due}"
        )
        count += 1
    return count


# The label statuses whose change is notified (a reinstatement is not).
STATUS_KINDS = {"suspended": "label_suspended", "withdrawn": "label_withdrawn"}


def notify_label_status_on_commit(application) -> None:
    """Suspension or withdrawal: tell the label's people after commit."""
    from centres.notifications import notify_on_commit

    kind = STATUS_KINDS.get(application.status)
    if kind:
        when = timezone.now().strftime("%Y%m%d%H%M%S")
        notify_on_commit(kind, application, key=f"{application.pk}:{when}")
