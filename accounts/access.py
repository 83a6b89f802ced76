"""Who may open a staff page: the one decorator every app's pages use. Anyone else is sent to sign in, or gets a
404 (a page they should not know exists)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def staff_required(view=None, *, supervisor: bool = False):
    """Signed-in, active staff only (`@staff_required`); with `supervisor=True`, supervisors and admins only
    (`@staff_required(supervisor=True)`)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_agent or (supervisor and not user.is_supervisor):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
