from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentresConfig(AppConfig):
    name = "centres"
    verbose_name = _("Organisation")

    def ready(self):
        # Registers spp_search_text on each SQLite connection (PostgreSQL has it in SQL).
        from . import (
            notifications,  # noqa: F401  (registers this app's notification kinds)
            search,  # noqa: F401
        )
