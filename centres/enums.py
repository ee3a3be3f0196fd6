from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DITP_ADMIN = "ditp_admin", _("DITP administrator")
    CORRESPONDENT = "correspondent", _("National correspondent")
    REFERENT = "referent", _("Centre quality referent")
    AUDITOR = "auditor", _("Auditor")
    DECIDER = "decider", _("Label decider")


# Roles that see every centre of the platform (the referent sees only their own).
ROLES_SEEING_ALL_CENTRES = frozenset({Role.DITP_ADMIN, Role.AUDITOR, Role.DECIDER})
