"""Who may open which supervision page. Outsiders get 404 (a page they should not know exists)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view):
    """Agents and supervisors: the history (agents see only their own conversations there)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_agent:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def supervisor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_agent and request.user.is_supervisor):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
