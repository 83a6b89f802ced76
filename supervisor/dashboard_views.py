"""The dashboard page: a date range, five charts, the numbers behind each."""

from datetime import timedelta

from django import forms
from django.shortcuts import render
from django.utils import timezone

from accounts.access import staff_required
from common.inputs import DateInRange
from supervisor import charts, dashboard

DEFAULT_DAYS = 30
MAX_DAYS = 366


class RangeForm(forms.Form):
    date_from = DateInRange(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateInRange(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error("date_from", f"Choose at most {MAX_DAYS} days.")
        return data


def _range(request) -> tuple[RangeForm, object, object]:
    today = timezone.localdate()
    default = {"date_from": today - timedelta(days=DEFAULT_DAYS - 1), "date_to": today}
    form = RangeForm(request.GET if "date_from" in request.GET else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default["date_from"], default["date_to"]


def _in_minutes(seconds: list[float | None]) -> list[float | None]:
    return [None if s is None else s / 60 for s in seconds]


@staff_required(supervisor=True)
def dashboard_page(request):
    form, date_from, date_to = _range(request)
    start, end = dashboard.day_range(date_from, date_to)
    hourly = (date_to - date_from).days < 2
    per_period = dashboard.chats_per_period(start, end, hourly)
    label = "%H:%M" if hourly else "%d %b"
    response = dashboard.first_response(start, end)
    care = dashboard.care_time(start, end)
    heard = dashboard.satisfaction(start, end)
    outcomes = dashboard.recovery_outcomes(start, end)
    day_labels = [d.strftime("%d %b") for d in response["days"]]
    context = {
        "form": form,
        "hourly": hourly,
        "chats": per_period,
        "chats_total": sum(n for _, n in per_period),
        "chats_svg": charts.bars(
            [at.strftime(label) for at, _ in per_period], [n for _, n in per_period], title="Chats started"
        ),
        "response": response,
        "response_rows": list(zip(response["days"], response["median"], response["p90"], strict=True)),
        "response_svg": charts.lines(
            day_labels,
            {"median": _in_minutes(response["median"]), "p90": _in_minutes(response["p90"])},
            title="First response time (minutes)",
            fmt=lambda v: f"{v:.3g} min",
        ),
        "care": care,
        "care_rows": list(zip(care["days"], care["hours"], strict=True)),
        "care_svg": charts.bars(
            day_labels,
            care["hours"],
            title="Hours with customers",
            cls="bar-care",
            fmt=lambda v: f"{v:.2g} h",
            whole=False,
        ),
        "heard": heard,
        "heard_rows": list(zip(heard["weeks"], heard["stacks"], strict=True)),
        "heard_svg": charts.stacked(
            [w.strftime("%d %b") for w in heard["weeks"]],
            heard["stacks"],
            dashboard.ANSWERS,
            title="Did you feel heard?",
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
            title="Recovery cases by outcome",
        )
    return render(request, "supervisor/dashboard.html", context)
