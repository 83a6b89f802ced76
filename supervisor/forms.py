"""The history filters. Every field is optional; a bad value is reported next to its field."""

from django import forms
from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from chat.models import Conversation, Satisfaction
from common.inputs import DateInRange

ANY = ("", pgettext_lazy("a filter left open", "Any"))
YES_NO = [ANY, ("yes", _("Yes")), ("no", _("No"))]


class HistoryFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Words in the chat"))
    agent = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label=_("Any agent"), label=_("Agent")
    )
    customer = forms.CharField(required=False, max_length=200, label=_("Customer (name, e-mail or exchange id)"))
    date_from = DateInRange(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateInRange(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(required=False, choices=[ANY, *Conversation.Status.choices], label=_("Status"))
    tags = forms.CharField(required=False, max_length=200, label=_("Tags (comma-separated)"))
    vip = forms.ChoiceField(required=False, choices=YES_NO, label="VIP")
    satisfaction = forms.ChoiceField(
        required=False,
        choices=[ANY, *Satisfaction.Answer.choices, ("none", _("Not answered"))],
        label=_("Felt heard?"),
    )
    language = forms.ChoiceField(required=False, choices=[ANY, *settings.LANGUAGES], label=_("Language"))
    recovery = forms.ChoiceField(required=False, choices=YES_NO, label=_("Recovery case"))

    def __init__(self, *args, show_agent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if show_agent:
            self.fields["agent"].queryset = User.objects.filter(is_active=True).order_by("name", "email")
        else:
            del self.fields["agent"]

    def clean_tags(self) -> list[str]:
        # Tags are slugs ("Wrong chain" is stored as wrong-chain), as the tickets app writes them.
        return [slugify(tag)[:50] for tag in self.cleaned_data["tags"].split(",") if slugify(tag)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
