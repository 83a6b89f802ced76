"""The bounds every number and date read from a URL, a form or the API keeps, in one place.

A date of 9999-12-31 is a valid date for Python, but the day after it is not, and a page that shows "to the end
of that day" overflows; an id of 10^30 is a valid Python int, but not a PostgreSQL bigint. Pages read dates through
DateInRange (a form error beside the field), the API through tickets.api_input (a 400 naming the bounds), ids typed
by people through id_from_text.
"""

from datetime import UTC, date, datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2099, 12, 31)
EARLIEST_DATETIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_DATETIME = datetime(2100, 1, 1, tzinfo=UTC)
MAX_ID = 2**63 - 1  # PostgreSQL bigint: the largest primary key there can be

DATE_RANGE_MESSAGE = _("Choose a date from 1970-01-01 to 2099-12-31.")


def date_validators() -> list:
    return [
        MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
        MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
    ]


class DateInRange(forms.DateField):
    """A form date from 1970-01-01 to 2099-12-31: a page may add a day to it, or count the days up to it."""

    default_validators = date_validators()


def id_from_text(text: str) -> int | None:
    """A positive id typed by a person ("42", "#42"), or None when the text is not one that can exist."""
    digits = text.strip().lstrip("#")
    if not digits.isascii() or not digits.isdigit():
        return None
    value = int(digits)
    return value if 0 < value <= MAX_ID else None
