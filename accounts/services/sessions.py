"""Staff sessions: opened at sign-in, checked on every request and socket, ended by the staff member, by a password
or factor change, or by age (HELPDESK_STAFF_SESSION_HOURS, counted from sign-in, never extended)."""

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from accounts.models import StaffSession, User

log = logging.getLogger("accounts.sessions")
SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often: not a write per request


class EndReason:
    SIGNED_OUT = "signed_out"
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"
    FACTOR_CHANGED = "factor_changed"
    EXPIRED = "expired"
    ROLE_REFUSED = "role_refused"


def session_group(staff_session_id: int) -> str:
    """The channel-layer group of one session's open sockets (the agent socket joins it)."""
    return f"accounts.session.{staff_session_id}"


def expires_at(staff_session: StaffSession):
    return staff_session.started_at + timedelta(hours=settings.STAFF_SESSION_HOURS)


def staff_session_open(*, session_key: str, user: User, via: str, address: str = "", user_agent: str = ""):
    staff_session, _ = StaffSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "via": via,
            "address": address[:64],
            "user_agent": user_agent[:300],
            "started_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "second_factor": "",
            "ended_at": None,
            "end_reason": "",
        },
    )
    log.info("staff session %s opened for user %s via %s from %s", staff_session.pk, user.pk, via, address)
    return staff_session


def staff_session_current(*, session_key: str | None, user: User) -> StaffSession | None:
    """The open session behind this cookie, or None: never opened here, ended, or past its hours (then ended)."""
    if not session_key:
        return None
    staff_session = StaffSession.objects.filter(session_key=session_key, user=user, ended_at=None).first()
    if staff_session is None:
        return None
    now = timezone.now()
    if now >= expires_at(staff_session):
        staff_sessions_end(user=user, ids=[staff_session.pk], reason=EndReason.EXPIRED)
        return None
    if now - staff_session.last_seen_at >= SEEN_EVERY:
        StaffSession.objects.filter(pk=staff_session.pk).update(last_seen_at=now)
        staff_session.last_seen_at = now
    return staff_session


def staff_session_verified(*, request, factor: str) -> None:
    """The second step is passed: a new session key (whoever knew the password-only one gains nothing), and the
    factor recorded for the sessions page."""
    old_key = request.session.session_key
    request.session.cycle_key()
    staff_session_rekey(user=request.user, old_key=old_key, new_key=request.session.session_key, second_factor=factor)


def staff_session_rekey(*, user: User, old_key: str | None, new_key: str | None, **fields) -> None:
    """Django gave this session a new key (second step, password change): the row follows it."""
    StaffSession.objects.filter(session_key=old_key or "", user=user, ended_at=None).update(
        session_key=new_key, **fields
    )


@transaction.atomic
def staff_sessions_end(
    *, user: User, reason: str, ids: list[int] | None = None, keep_key: str | None = None
) -> list[int]:
    """End sessions of `user` (those in `ids`, or all but `keep_key`): the cookie stops working at once, and
    their open sockets are told to close once this commits."""
    sessions = StaffSession.objects.select_for_update().filter(user=user, ended_at=None)
    if ids is not None:
        sessions = sessions.filter(pk__in=ids)
    if keep_key:
        sessions = sessions.exclude(session_key=keep_key)
    ended = list(sessions.values_list("pk", "session_key"))
    if not ended:
        return []
    StaffSession.objects.filter(pk__in=[pk for pk, _ in ended]).update(ended_at=timezone.now(), end_reason=reason)
    for _, key in ended:
        SessionStore(session_key=key).delete()
    ids_ended = [pk for pk, _ in ended]
    transaction.on_commit(lambda: _close_sockets(ids_ended))
    log.info("staff sessions %s of user %s ended: %s", ids_ended, user.pk, reason)
    return ids_ended


def staff_session_signed_out(*, user: User, session_key: str | None) -> None:
    """Signing out ends this session only, and closes its sockets in other tabs too."""
    staff_session = StaffSession.objects.filter(session_key=session_key or "", user=user, ended_at=None).first()
    if staff_session is not None:
        staff_sessions_end(user=user, ids=[staff_session.pk], reason=EndReason.SIGNED_OUT)


def _close_sockets(staff_session_ids: list[int]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for staff_session_id in staff_session_ids:
        try:
            async_to_sync(layer.group_send)(session_group(staff_session_id), {"type": "staff.session_ended"})
        except Exception:
            # The session row is ended either way: the socket is refused at its next connect.
            log.exception("could not tell the sockets of staff session %s to close", staff_session_id)


def staff_session_for_socket(*, user: User, session) -> StaffSession | None:
    """What the agent socket (console and live monitoring) accepts: a session that is open, within its hours, and
    past its second step where one is due. None refuses the socket."""
    from accounts import mfa

    if user is None or not user.is_authenticated:
        return None
    staff_session = staff_session_current(session_key=getattr(session, "session_key", None), user=user)
    verified = mfa.verified_device(user, session) is not None
    if staff_session is None or mfa.pending(user, staff_session, device_verified=verified):
        return None
    return staff_session
