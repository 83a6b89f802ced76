"""Writes to staff accounts. Roles map onto groups so that Django's permissions follow the role."""

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Presence, Role, User
from accounts.services.sessions import EndReason, staff_sessions_end

GROUP_FOR_ROLE = {Role.AGENT: "Agents", Role.SUPERVISOR: "Supervisors", Role.ADMIN: "Admins"}


@transaction.atomic
def staff_upsert(*, email: str, password: str | None, role: str = Role.AGENT, name: str = "") -> tuple[User, bool]:
    """Create or update a staff user; returns (user, created)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(Role.values)}")
    email = User.objects.normalize_email(email).lower()
    user, created = User.objects.get_or_create(email=email, defaults={"role": role, "name": name})
    user.role = role
    if name:
        user.name = name
    user.is_staff = role == Role.ADMIN
    user.is_superuser = role == Role.ADMIN
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    _sync_groups(user)
    if password and not created:
        staff_sessions_end(user=user, reason=EndReason.PASSWORD_CHANGED)
    return user, created


def _sync_groups(user: User) -> None:
    groups = [Group.objects.get_or_create(name=name)[0] for name in GROUP_FOR_ROLE.values()]
    user.groups.remove(*groups)
    user.groups.add(Group.objects.get(name=GROUP_FOR_ROLE[Role(user.role)]))


def presence_seen(*, user: User) -> None:
    """A console socket of this person is open (connect, heartbeat): they read as online or away, not offline."""
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_seen_at=now)
    user.last_seen_at = now


def presence_set(*, user: User, presence: str) -> None:
    if presence not in Presence.values:
        raise ValueError(f"unknown presence {presence!r}")
    User.objects.filter(pk=user.pk).update(presence=presence)
    user.presence = presence
