"""Staff users: agents, supervisors and admins. Customers are not users; the exchange vouches for them
with a signed token (see tickets.Customer)."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    AGENT = "agent", pgettext_lazy("staff role", "Agent")
    SUPERVISOR = "supervisor", pgettext_lazy("staff role", "Supervisor")
    ADMIN = "admin", pgettext_lazy("staff role", "Admin")


class Presence(models.TextChoices):
    ONLINE = "online", pgettext_lazy("staff presence", "Online")
    AWAY = "away", pgettext_lazy("staff presence", "Away")
    OFFLINE = "offline", pgettext_lazy("staff presence", "Offline")


# Three missed console heartbeats (static/js/socket.js sends one every 20 s).
PRESENCE_STALE = timedelta(seconds=60)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Informational only: presence never moves a chat (see docs/chat.md).
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    # When one of this person's console sockets last said it was there (on connect and on its heartbeat). A
    # console closed for longer than PRESENCE_STALE reads as offline, whatever `presence` says.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=5, help_text="How many chats this agent is comfortable holding at once (for offers only)."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    def presence_now(self, now=None) -> str:
        """Online or away as the person chose, but offline once no console of theirs has been heard from."""
        now = now or timezone.now()
        if self.last_seen_at is None or now - self.last_seen_at > PRESENCE_STALE:
            return Presence.OFFLINE
        return self.presence

    @property
    def is_supervisor(self) -> bool:
        return self.role in {Role.SUPERVISOR, Role.ADMIN}

    @property
    def is_agent(self) -> bool:
        return self.is_active and self.role in {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}


class StaffSession(models.Model):
    """One signed-in browser of a staff member: what the sessions page lists and what ends when they press End,
    change a password or a factor, or when HELPDESK_STAFF_SESSION_HOURS have passed since `started_at`."""

    class Via(models.TextChoices):
        PASSWORD = "password", "Password"
        PASSKEY = "passkey", "Passkey"
        SSO = "sso", "Single sign-on"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    via = models.CharField(max_length=10, choices=Via.choices)
    # How the second step was passed ("totp", "passkey", "recovery_code", "identity_provider"), or "" not yet.
    second_factor = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="staffsession_user_open")]

    def __str__(self) -> str:
        return f"{self.user} via {self.via} since {self.started_at:%Y-%m-%d %H:%M}"


class SsoIdentity(models.Model):
    """The identity provider's (issuer, subject) for a staff member: how a returning SSO sign-in finds them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
