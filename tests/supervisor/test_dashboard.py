import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat.models import Conversation
from supervisor import dashboard
from tests.conftest import require
from tests.supervisor.factories import chat, person

pytestmark = pytest.mark.django_db


def test_agents_are_refused(client, alice):
    client.force_login(alice)
    assert client.get(reverse("dashboard")).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def _answered_after(customer, agent, seconds: int, care_minutes: int, answer: str) -> Conversation:
    conversation = chat(customer, ["hello"], agent=agent, end=True, answer=answer)
    created = timezone.now() - timedelta(hours=3)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=created,
        first_response_at=created + timedelta(seconds=seconds),
        accepted_at=created + timedelta(seconds=seconds),
        ended_at=created + timedelta(seconds=seconds, minutes=care_minutes),
    )
    return conversation


@pytest.fixture
def ten_chats(alice):
    """First responses of 10, 20, ... 100 seconds; 30 minutes of care each; answers 6 yes, 3 partly, 1 no."""
    answers = ["yes"] * 6 + ["partly"] * 3 + ["no"]
    for n in range(10):
        _answered_after(person(f"d-{n}", name=f"D {n}"), alice, 10 * (n + 1), 30, answers[n])


def test_figures_are_aggregated_in_the_database(ten_chats):
    require("postgres")
    start, end = dashboard.day_range(timezone.localdate() - timedelta(days=2), timezone.localdate())
    response = dashboard.first_response(start, end)
    assert response["overall"]["median"] == pytest.approx(55.0)
    assert response["overall"]["p90"] == pytest.approx(91.0)  # percentile_cont, linear interpolation
    care = dashboard.care_time(start, end)
    assert care["chats"] == 10
    assert care["total_hours"] == pytest.approx(5.0)
    assert care["average_minutes"] == pytest.approx(30.0)
    heard = dashboard.satisfaction(start, end)
    assert heard["totals"] == {"yes": 6, "partly": 3, "no": 1}
    per_day = dashboard.chats_per_period(start, end, hourly=False)
    assert sum(n for _, n in per_day) == 10
    assert len(per_day) == 3  # zero-filled days included


def test_the_page_draws_svg_charts_without_scripts(client, sofia, ten_chats):
    client.force_login(sofia)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") >= 4
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "10 chats started in this range." in page
    assert "Care given" in page
    assert "too long" not in page.lower()
    heard_chart = response.context["heard_svg"]
    assert {rect["cls"] for rect in heard_chart.rects} == {"seg-yes", "seg-partly", "seg-no"}


def test_a_range_of_one_day_is_shown_per_hour(client, sofia, ten_chats):
    client.force_login(sofia)
    today = str(timezone.localdate())
    response = client.get(reverse("dashboard"), {"date_from": today, "date_to": today})
    assert response.context["hourly"] is True
    assert len(response.context["chats"]) == 24


def test_an_old_range_shows_nothing_from_today(client, sofia, ten_chats):
    client.force_login(sofia)
    old = timezone.localdate() - timedelta(days=100)
    response = client.get(reverse("dashboard"), {"date_from": str(old - timedelta(days=5)), "date_to": str(old)})
    assert response.context["chats_total"] == 0
    assert response.context["care"]["chats"] == 0


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"date_from": "2026-02-10", "date_to": "2026-02-01"}, "The end date is before the start date."),
        ({"date_from": "2020-01-01", "date_to": "2026-01-01"}, "Choose at most 366 days."),
        ({"date_from": "yesterday", "date_to": "2026-01-01"}, "Enter a valid date."),
    ],
)
def test_bad_ranges_are_explained_and_the_default_is_shown(client, sofia, params, error):
    client.force_login(sofia)
    response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert len(response.context["chats"]) == 30


def test_query_count_does_not_grow_with_the_data(client, sofia, alice, django_assert_max_num_queries):
    for n in range(15):
        _answered_after(person(f"q-{n}", name=f"Q {n}"), alice, 30, 10, "yes")
    client.force_login(sofia)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("dashboard"))
    assert response.context["care"]["chats"] == 15


def test_the_sqlite_fallback_agrees_with_postgresql(ten_chats):
    require("postgres")
    start, end = dashboard.day_range(timezone.localdate() - timedelta(days=2), timezone.localdate())
    in_database = dashboard.first_response(start, end)["overall"]
    in_python, _ = dashboard._percentiles_in_python(dashboard._answered(start, end))
    assert in_python["median"] == pytest.approx(in_database["median"])
    assert in_python["p90"] == pytest.approx(in_database["p90"])


@pytest.mark.parametrize("language", ["ru", "ar", "zh-hans", "bn"])
def test_the_dashboard_speaks_the_supervisors_language(client, sofia, ten_chats, language):
    """Chart titles, axis days and units, the range's errors: all in the reader's language (they were English). These
    languages write no Latin letters, so none may appear on an axis ("4 Nov", "5.0 min" were English)."""
    client.force_login(sofia)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    for english in ("Chats started", "First response time (minutes)", "Hours with customers", " min<", " h<"):
        assert english not in page, english
    axis = [text["text"] for name in ("chats_svg", "response_svg", "care_svg") for text in response.context[name].texts]
    assert axis and not [label for label in axis if re.search("[A-Za-z]", label)]
    wrong = {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    errors = client.get(reverse("dashboard"), wrong, HTTP_ACCEPT_LANGUAGE=language).context["form"].errors
    assert errors["date_to"] and "The end date" not in errors["date_to"][0]
