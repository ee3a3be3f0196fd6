from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from centres.views.health import healthz
from centres.views.language import language_switch

urlpatterns = [
    path("", include("labelling.urls")),
    path("", include("centres.urls.accounts")),
    path("centres/", include("centres.urls")),
    path("centres-publics/", include("centres.urls.public")),
    path("organisation/", include("centres.urls.organisation")),
    path("notifications/", include("centres.urls.notifications")),
    path("", include("surveys.urls")),
    path("healthz", healthz, name="healthz"),
    path("langue/<slug:code>/", language_switch, name="language_switch"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "centres.errors.bad_request"
handler403 = "centres.errors.permission_denied"
handler404 = "centres.errors.page_not_found"
handler500 = "centres.errors.server_error"
