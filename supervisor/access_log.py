"""Reads for /access-log/: who looked at which customer's data, when, and whether a chat or ticket of theirs was
behind it (docs/SECURITY.md, "Customer data nobody browses"). The rows are written by tickets.services.access."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from common.inputs import DateInRange
from tickets.models import CustomerAccess

UNEXPLAINED = Q(via_conversation_id__isnull=True, via_ticket_id__isnull=True)
CSV_COLUMNS = [
    "at",
    "staff_email",
    "staff_name",
    "staff_role",
    "customer",
    "customer_name",
    "what",
    "ref",
    "conversation",
    "ticket",
    "via_conversation",
    "via_ticket",
    "explained",
]


class AccessFilterForm(forms.Form):
    staff = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label=_("Anyone"), label=_("Staff member")
    )
    customer = forms.CharField(required=False, max_length=200, label=_("Customer (exchange id or name)"))
    # Bounded (1970-2099, common/inputs.py): the page adds a day to the end date.
    date_from = DateInRange(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateInRange(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    unexplained = forms.BooleanField(required=False, label=_("Only views with no chat or ticket of theirs"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.order_by("name", "email")  # former staff too

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def accesses(filters: dict) -> QuerySet[CustomerAccess]:
    """The rows matching the page's filters, newest first (index customer_access_newest, or by staff/customer)."""
    qs = CustomerAccess.objects.select_related("staff", "customer")
    if filters.get("staff"):
        qs = qs.filter(staff=filters["staff"])
    text = (filters.get("customer") or "").strip()
    if text:
        qs = qs.filter(Q(customer__external_id=text) | Q(customer__name__icontains=text))
    if filters.get("date_from"):
        qs = qs.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        qs = qs.filter(at__lt=_day_start(filters["date_to"] + timedelta(days=1)))
    if filters.get("unexplained"):
        qs = qs.filter(UNEXPLAINED)
    return qs.order_by("-at", "-id")


@dataclass(frozen=True)
class DayLine:
    """ "Mei opened 14 customers she never chatted with today": one staff member, one day, unexplained views only."""

    staff: User
    day: date
    customers: int
    views: int

    @property
    def today(self) -> bool:
        return self.day == timezone.localdate()


def summary(filters: dict, limit: int = 30) -> list[DayLine]:
    """Per staff member per day: how many customers they opened with nothing of theirs behind it (most first)."""
    rows = (
        accesses({**filters, "unexplained": True})
        .order_by()
        .annotate(day=TruncDate("at"))
        .values("staff_id", "day")
        .annotate(customers=Count("customer_id", distinct=True), views=Count("id"))
        .order_by("-day", "-customers")[:limit]
    )
    rows = list(rows)
    staff = User.objects.in_bulk({row["staff_id"] for row in rows})
    return [DayLine(staff[row["staff_id"]], row["day"], row["customers"], row["views"]) for row in rows]


def csv_rows(qs: QuerySet[CustomerAccess]) -> Iterator[list]:
    """Every matching row for the CSV, read in chunks (the log is long: never all in memory)."""
    yield CSV_COLUMNS
    for row in qs.iterator(chunk_size=2000):
        yield [
            row.at.isoformat(),
            row.staff.email,
            row.staff.display_name,
            row.staff.role,
            row.customer.external_id,
            row.customer.display_name,
            row.what,
            row.ref,
            row.conversation_id or "",
            row.ticket_id or "",
            row.via_conversation_id or "",
            row.via_ticket_id or "",
            "yes" if row.explained else "no",
        ]
