"""Every staff request: is this session still one of ours (not ended, not past its hours), and has it passed the
second step where one is due? A password-only session reaches the second step and enrolment, nothing else."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import mfa
from accounts.services import sessions

# What a session waiting for its second step may open (URL names).
SECOND_STEP_VIEWS = {
    "login",
    "logout",
    "signin_verify",
    "security",
    "security_totp",
    "recovery_codes",
    "js_catalogue",
    "healthz",
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
}


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.staff_session = None
        request.signin_pending = False
        if request.user.is_authenticated:
            staff_session = sessions.staff_session_current(session_key=request.session.session_key, user=request.user)
            if staff_session is None:
                logout(request)
                return _signed_out(request)
            request.staff_session = staff_session
            # OTPMiddleware has loaded and checked the session's device (owner, confirmed) for request.user
            request.signin_pending = mfa.pending(
                request.user, staff_session, device_verified=request.user.is_verified()
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.signin_pending or request.resolver_match.view_name in SECOND_STEP_VIEWS:
            return None
        if request.method != "GET" or request.path.startswith("/api/"):
            return JsonResponse(
                {"error": "second_factor_required", "detail": "Finish signing in with your second factor."},
                status=403,
            )
        step = "signin_verify" if mfa.has_factor(request.user) else "security"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


def _signed_out(request):
    if request.method != "GET" or request.path.startswith("/api/"):
        return JsonResponse({"error": "signed_out", "detail": "This session has ended. Sign in again."}, status=401)
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
