from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Label")

    def ready(self):
        from centres.engagements import engagement_wordings_register

        from .queries import engagement_wordings

        engagement_wordings_register(engagement_wordings)
        from . import notifications  # noqa: F401  (registers this app's notification kinds)
