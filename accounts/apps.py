from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from accounts import signals, signin_limits  # noqa: F401  (sign-in/out receivers, failed sign-in counter)


class HelpdeskAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with a site whose login goes through the sign-in limits (accounts/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; not the "accounts" app's config
    default_site = "accounts.admin_site.HelpdeskAdminSite"
