"""The dashboard page: a date range, five charts, the numbers behind each."""

from datetime import timedelta

from django import forms
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.access import staff_required
from common.inputs import DateInRange
from supervisor import charts, dashboard

DEFAULT_DAYS = 30
MAX_DAYS = 366


class RangeForm(forms.Form):
    date_from = DateInRange(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateInRange(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("date_from", _("Choose at most %(days)s days.") % {"days": MAX_DAYS})
        return data


def _range(request) -> tuple[RangeForm, object, object]:
    today = timezone.localdate()
    default = {"date_from": today - timedelta(days=DEFAULT_DAYS - 1), "date_to": today}
    form = RangeForm(request.GET if "date_from" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default["date_from"], default["date_to"]


# A day on a chart's axis, short enough for ten of them side by side: the day and the month's short name in the
# reader's language ("4 Nov", "4 Ноя"); Chinese writes month and day with their own characters.
AXIS_DAY = {"zh-hans": "n月j日"}


def _day(day) -> str:
    return formats.date_format(day, AXIS_DAY.get(get_language(), "j M"))


def _in_minutes(seconds: list[float | None]) -> list[float | None]:
    return [None if s is None else s / 60 for s in seconds]


@staff_required(supervisor=True)
def dashboard_page(request):
    form, date_from, date_to = _range(request)
    start, end = dashboard.day_range(date_from, date_to)
    hourly = (date_to - date_from).days < 2
    per_period = dashboard.chats_per_period(start, end, hourly)
    response = dashboard.first_response(start, end)
    care = dashboard.care_time(start, end)
    heard = dashboard.satisfaction(start, end)
    outcomes = dashboard.recovery_outcomes(start, end)
    day_labels = [_day(d) for d in response["days"]]
    context = {
        "form": form,
        "hourly": hourly,
        "chats": per_period,
        "chats_total": sum(n for _at, n in per_period),
        "chats_svg": charts.bars(
            [at.strftime("%H:%M") if hourly else _day(at) for at, _n in per_period],
            [n for _at, n in per_period],
            title=_("Chats started"),
        ),
        "response": response,
        "response_rows": list(zip(response["days"], response["median"], response["p90"], strict=True)),
        "response_svg": charts.lines(
            day_labels,
            {"median": _in_minutes(response["median"]), "p90": _in_minutes(response["p90"])},
            title=_("First response time (minutes)"),
            fmt=lambda v: _("%(n)s min") % {"n": formats.number_format(float(f"{v:.3g}"))},
        ),
        "care": care,
        "care_rows": list(zip(care["days"], care["hours"], strict=True)),
        "care_svg": charts.bars(
            day_labels,
            care["hours"],
            title=_("Hours with customers"),
            cls="bar-care",
            fmt=lambda v: _("%(n)s h") % {"n": formats.number_format(float(f"{v:.2g}"))},
            whole=False,
        ),
        "heard": heard,
        "heard_rows": list(zip(heard["weeks"], heard["stacks"], strict=True)),
        "heard_svg": charts.stacked(
            [_day(w) for w in heard["weeks"]],
            heard["stacks"],
            dashboard.ANSWERS,
            title=_("Did you feel heard?"),
        ),
        "outcomes": outcomes,
    }
    if outcomes:
        keys = [str(i % 6) for i in range(len(outcomes))]  # six calm colours in the CSS, then they repeat
        context["outcome_rows"] = [(name, n, key) for (name, n), key in zip(outcomes, keys, strict=True)]
        context["outcomes_svg"] = charts.stacked(
            [name for name, _ in outcomes],
            [{k: n} for k, (_, n) in zip(keys, outcomes, strict=True)],
            sorted(set(keys)),
            title=_("Recovery cases by outcome"),
        )
    return render(request, "supervisor/dashboard.html", context)
