"""The Django admin, signing in through the same limits as the staff login page (accounts/signin_limits.py)."""

from django.contrib import admin

from accounts.forms import AdminSignInForm
from accounts.signin_limits import refused_status


class HelpdeskAdminSite(admin.AdminSite):
    login_form = AdminSignInForm

    def login(self, request, extra_context=None):
        return refused_status(request, super().login(request, extra_context))
