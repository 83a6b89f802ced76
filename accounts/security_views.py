"""The staff member's own security pages: second factors (enrolment, removal, recovery codes), open sessions,
password. Enrolment is also where a password-only session of someone who has no factor yet is sent."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from accounts import mfa, selectors
from accounts.forms import CodeForm
from accounts.services import factors, sessions
from accounts.services.sessions import EndReason
from accounts.signin_views import NEW_CODES_SESSION_KEY, safe_next, stash_recovery_codes


def _may_enrol(request) -> bool:
    """Adding a factor needs a session that passed the second step, unless there is nothing to pass it with
    (the first enrolment); otherwise a stolen password could add the thief's own authenticator."""
    return not request.signin_pending or not user_has_device(request.user)


@never_cache
@login_required
def security(request):
    if not _may_enrol(request):
        return redirect("signin_verify")
    context = {
        "factors": selectors.factors_of(request.user),
        "required": mfa.required_for(request.user),
        "pending": request.signin_pending,
        "codes_left": mfa.recovery_codes_left(request.user),
        "next": safe_next(request),
    }
    return render(request, "accounts/security.html", context)


@never_cache
@login_required
def totp_enrol(request):
    if not _may_enrol(request):
        return redirect("signin_verify")
    device = factors.totp_pending(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_pending = request.signin_pending
        confirmed = factors.totp_confirm(
            user=request.user, code=form.cleaned_data["code"], keep_key=request.session.session_key
        )
        if confirmed is not None:
            if was_pending:
                otp_login(request, confirmed)
                sessions.staff_session_verified(request=request, factor="totp")
            if not mfa.recovery_codes_left(request.user):
                keep = request.session.session_key
                stash_recovery_codes(request, factors.recovery_codes_regenerate(user=request.user, keep_key=keep))
                return redirect("recovery_codes")
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("security")
        form.add_error("code", _("That code did not match. Check the time on your phone and try the newest code."))
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_data_uri(scale=5, dark="#1d2430", light="#ffffff", border=2),
        "secret": selectors.grouped_secret(device),
        "pending": request.signin_pending,
    }
    return render(request, "accounts/totp_enrol.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
def recovery_codes(request):
    """New codes once, right after they are made; later only how many are left and a button for new ones."""
    if request.signin_pending:
        return redirect("signin_verify" if user_has_device(request.user) else "security")
    if request.method == "POST":
        codes = factors.recovery_codes_regenerate(user=request.user, keep_key=request.session.session_key)
        stash_recovery_codes(request, codes)
        return redirect("recovery_codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    context = {"codes": codes, "codes_left": mfa.recovery_codes_left(request.user)}
    return render(request, "accounts/recovery_codes.html", context)


@login_required
@require_POST
def factor_remove(request, kind: str, pk: int):
    try:
        factors.factor_remove(user=request.user, kind=kind, pk=pk, keep_key=request.session.session_key)
    except factors.LastFactorError:
        messages.error(request, _("Your role needs a second factor: add another one before you remove this one."))
    except factors.FactorError:
        messages.error(request, _("That factor no longer exists."))
    else:
        messages.success(request, _("Removed. Your other sessions were signed out."))
    return redirect("security")


@never_cache
@login_required
def staff_sessions(request):
    context = {
        "sessions": selectors.open_sessions(request.user, current=request.staff_session),
        "session_hours": settings.STAFF_SESSION_HOURS,
    }
    return render(request, "accounts/sessions.html", context)


@login_required
@require_POST
def staff_session_end(request, pk: int):
    if pk == request.staff_session.pk:
        messages.error(request, _("To end this session, sign out."))
    elif sessions.staff_sessions_end(user=request.user, ids=[pk], reason=EndReason.ENDED_BY_USER):
        messages.success(request, _("That session has ended."))
    return redirect("staff_sessions")


@login_required
@require_POST
def staff_sessions_end_others(request):
    ended = sessions.staff_sessions_end(
        user=request.user, keep_key=request.session.session_key, reason=EndReason.ENDED_BY_USER
    )
    if ended:
        messages.success(request, _("Every other session has ended."))
    return redirect("staff_sessions")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form; afterwards this session goes on and every other one ends."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("security")

    def form_valid(self, form):
        form.save()
        old_key = self.request.session.session_key
        update_session_auth_hash(self.request, form.user)  # a new session key, kept on this session's row
        sessions.staff_session_rekey(user=form.user, old_key=old_key, new_key=self.request.session.session_key)
        sessions.staff_sessions_end(
            user=form.user, keep_key=self.request.session.session_key, reason=EndReason.PASSWORD_CHANGED
        )
        messages.success(self.request, _("Password changed. Your other sessions were signed out."))
        return redirect(self.success_url)
