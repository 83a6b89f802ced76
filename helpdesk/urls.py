from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from helpdesk import health


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, a JSON answer): send them ours."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("helpdesk.i18n_urls")),
    path("api/v1/pnl/", include("pnl.api_urls")),
    path("api/", include("tickets.api_urls")),
    path("api/", include("chat.api_urls")),
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
