from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The second step, and the authenticator app's first code: one field named `code` (automation relies on it)."""

    code = forms.CharField(label=_("Code"), max_length=32, strip=True)
