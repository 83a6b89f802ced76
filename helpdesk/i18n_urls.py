"""Translation catalogues for the widget and console JavaScript (docs/i18n.md).

`/i18n/<lang>.json` is Django's JSONCatalog for the djangojs domain in one language, read from this project's
`locale/` only: the widget asks for the customer's language (from the token) whatever the browser says, and
Django's own admin strings would only make the download heavier on a slow phone link.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.i18n import JSONCatalog

CATALOGUE_MAX_AGE = 60 * 60  # an hour: a deploy with new strings reaches every widget within that


class ProjectCatalog(JSONCatalog):
    packages = ["helpdesk"]  # any truthy value: get_paths below decides where to look

    def get_paths(self, packages):
        return [str(folder) for folder in settings.LOCALE_PATHS]

    def render_to_response(self, context, **response_kwargs):
        # Only what i18n.js reads, and Arabic or Bengali as themselves rather than \uXXXX: a third of the bytes.
        data = {"catalog": context["catalog"], "plural": context["plural"]}
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


@cache_control(public=True, max_age=CATALOGUE_MAX_AGE)
@gzip_page
def catalogue(request, lang: str):
    if lang not in dict(settings.LANGUAGES):
        raise Http404("no such language")
    with translation.override(lang):
        return ProjectCatalog.as_view()(request)


urlpatterns = [
    path("i18n/<str:lang>.json", catalogue, name="js_catalogue"),
]
