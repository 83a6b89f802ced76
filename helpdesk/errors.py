"""Error pages. Under /api/ the exchange's backend gets JSON, as the OpenAPI schema documents, never HTML."""

from django.http import JsonResponse
from django.views import defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "Server error; it has been logged. Retry later."}, status=500)
    return defaults.server_error(request)
