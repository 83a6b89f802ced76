from django.contrib import admin
from django.urls import include, path

from helpdesk import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("helpdesk.i18n_urls")),
    path("api/v1/pnl/", include("pnl.api_urls")),
    path("api/", include("tickets.api_urls")),
    path("", include("accounts.urls")),
    path("", include("chat.urls")),
    path("", include("tickets.urls")),
    path("", include("recovery.urls")),
    path("", include("pnl.urls")),
    path("", include("supervisor.urls")),
]

handler400 = "helpdesk.errors.bad_request"
handler404 = "helpdesk.errors.not_found"
handler500 = "helpdesk.errors.server_error"
