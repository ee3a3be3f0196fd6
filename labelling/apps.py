from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Label")

    def ready(self):
        from . import notifications  # noqa: F401  (registers this app's notification kinds)
