"""Durations on the supervisor's pages are Django's timesince words in the reader's language, never a clock."""

import pytest
from django.utils import translation

from supervisor.templatetags.supervision import human_duration


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [
        ("en", 42, "42 seconds"),
        ("en", 1, "1 second"),
        ("en", 7 * 60 + 5, "7 minutes"),
        ("en", 3600 + 12 * 60, "1 hour, 12 minutes"),
        ("en", 2 * 86400 + 3 * 3600 + 59, "2 days, 3 hours"),
        ("ru", 21 * 60, "21 минута"),
        ("ru", 5 * 3600 + 2 * 60, "5 часов, 2 минуты"),
        ("ru", 3, "3 секунды"),
        ("ar", 2 * 60, "2 دقيقتين"),
        ("ar", 11, "11 ثانية"),
        ("zh-hans", 3600 + 60, "1小时，1分钟"),  # noqa: RUF001 (Chinese comma)
        ("zh-hans", 9, "9秒"),
        ("bn", 90 * 60, "1 ঘণ্টা,30 মিনিট"),
        ("fil", 45, "45 segundo"),
        ("fil", 3 * 3600, "3 oras"),
    ],
)
def test_durations_read_in_the_readers_language(language, seconds, expected):
    with translation.override(language):
        assert human_duration(seconds).replace("\xa0", " ") == expected


def test_a_number_never_wraps_away_from_its_unit():
    with translation.override("en"):
        assert human_duration(42) == "42\xa0seconds"
        assert human_duration(3600 + 60) == "1\xa0hour, 1\xa0minute"


def test_nothing_measured_reads_as_a_dash_and_a_negative_as_zero():
    with translation.override("en"):
        assert human_duration(None) == "—"
        assert human_duration(-5) == "0\xa0seconds"
