"""What the supervisor's pages read of recovery: whether a chat has a recovery case (the history's filter and its
"recovery" pill) and the cases by outcome (the dashboard). supervisor sits above recovery: plain imports."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef

from recovery.models import RecoveryCase
from recovery.timeline_words import status_words


def has_case_expression() -> Exists:
    """An EXISTS(...) over the outer conversation's recovery cases."""
    return Exists(RecoveryCase.objects.filter(conversation_id=OuterRef("pk")))


def outcomes(start: datetime, end: datetime) -> list[tuple[str, int]]:
    """Recovery cases opened in the range, by status, with the status as staff read it (in their language)."""
    cases = RecoveryCase.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = cases.values("status").annotate(n=Count("id")).order_by("status")
    return [(status_words(row["status"]), row["n"]) for row in rows]
