"""Dashboard figures, aggregated in the database (one grouped query per chart).

"Time with customers" is care given, not a cost: it is summed and shown plainly, never coloured as "too long".
"""

from datetime import date, datetime, time, timedelta
from statistics import median, quantiles

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func, Sum
from django.db.models.functions import TruncDay, TruncHour, TruncWeek
from django.utils import timezone

from chat.models import Conversation, Satisfaction
from supervisor import recovery_link

ANSWERS = ["yes", "partly", "no"]


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont(f) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()


def day_range(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    return start, timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))


def _buckets(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    out, at = [], start
    while at < end:
        out.append(at)
        at += step
    return out


def _key(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def chats_per_period(start: datetime, end: datetime, hourly: bool) -> list[tuple[datetime, int]]:
    trunc = TruncHour if hourly else TruncDay
    rows = (
        Conversation.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(bucket=trunc("created_at"))
        .values("bucket")
        .annotate(n=Count("id"))
    )
    counts = {_key(row["bucket"]): row["n"] for row in rows}
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    return [(at, counts.get(_key(at), 0)) for at in _buckets(start, end, step)]


def _answered(start: datetime, end: datetime):
    return Conversation.objects.filter(created_at__gte=start, created_at__lt=end, first_response_at__isnull=False)


def first_response(start: datetime, end: datetime) -> dict:
    """Seconds from the customer's first words to the first reply: median and p90, per day and overall."""
    conversations = _answered(start, end)
    if connection.vendor == "postgresql":
        wait = EpochSeconds(F("first_response_at") - F("created_at"))
        overall = conversations.aggregate(median=Percentile(wait, 0.5), p90=Percentile(wait, 0.9))
        rows = (
            conversations.annotate(bucket=TruncDay("created_at"))
            .values("bucket")
            .annotate(median=Percentile(wait, 0.5), p90=Percentile(wait, 0.9))
        )
        per_day = {_key(r["bucket"]): (r["median"], r["p90"]) for r in rows}
    else:  # SQLite (the demo) has no percentile aggregate: the same figures, computed here
        overall, per_day = _percentiles_in_python(conversations)
    days = _buckets(start, end, timedelta(days=1))
    return {
        "overall": overall,
        "days": days,
        "median": [per_day.get(_key(d), (None, None))[0] for d in days],
        "p90": [per_day.get(_key(d), (None, None))[1] for d in days],
    }


def _p(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return median(values) if fraction == 0.5 else quantiles(values, n=10, method="inclusive")[8]


def _percentiles_in_python(conversations) -> tuple[dict, dict]:
    by_day: dict[datetime, list[float]] = {}
    everything = []
    for created, first in conversations.values_list("created_at", "first_response_at"):
        seconds = (first - created).total_seconds()
        everything.append(seconds)
        day = _key(timezone.localtime(created).replace(hour=0, minute=0, second=0, microsecond=0))
        by_day.setdefault(day, []).append(seconds)
    overall = {"median": _p(everything, 0.5), "p90": _p(everything, 0.9)}
    return overall, {day: (_p(v, 0.5), _p(v, 0.9)) for day, v in by_day.items()}


def care_time(start: datetime, end: datetime) -> dict:
    """Hours agents spent with customers (from accepting to the end of the chat), per day and in total."""
    cared = ExpressionWrapper(F("ended_at") - F("accepted_at"), output_field=DurationField())
    conversations = Conversation.objects.filter(
        created_at__gte=start, created_at__lt=end, accepted_at__isnull=False, ended_at__isnull=False
    )
    total = conversations.aggregate(total=Sum(cared), chats=Count("id"))
    rows = conversations.annotate(bucket=TruncDay("created_at")).values("bucket").annotate(total=Sum(cared))
    per_day = {_key(r["bucket"]): r["total"] or timedelta() for r in rows}
    days = _buckets(start, end, timedelta(days=1))
    total_time = total["total"] or timedelta()
    return {
        "days": days,
        "hours": [per_day.get(_key(d), timedelta()).total_seconds() / 3600 for d in days],
        "total_hours": total_time.total_seconds() / 3600,
        "chats": total["chats"],
        "average_minutes": total_time.total_seconds() / 60 / total["chats"] if total["chats"] else None,
    }


def satisfaction(start: datetime, end: datetime) -> dict:
    """'Did you feel heard?' answers per week (the week the answer was given)."""
    rows = (
        Satisfaction.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at"))
        .values("week", "answer")
        .annotate(n=Count("id"))
    )
    weeks: dict[datetime, dict[str, int]] = {}
    for row in rows:
        weeks.setdefault(_key(row["week"]), {})[row["answer"]] = row["n"]
    first_monday = _key(start) - timedelta(days=_key(start).weekday())
    labels = []
    at = first_monday
    while at < _key(end):
        labels.append(at)
        at += timedelta(days=7)
    totals = {answer: sum(w.get(answer, 0) for w in weeks.values()) for answer in ANSWERS}
    return {"weeks": labels, "stacks": [weeks.get(w, {}) for w in labels], "totals": totals}


def recovery_outcomes(start: datetime, end: datetime) -> list[tuple[str, int]]:
    """Recovery cases opened in the range, by status."""
    return recovery_link.outcomes(start, end)
