"""The history pager counts at most HISTORY_COUNT_CAP conversations, says "N+" past it, and still pages to the end."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervisor import views
from tests.conftest import require
from tests.supervisor.factories import chat, person

pytestmark = pytest.mark.django_db


def conversations(count: int, words: str = "frozen withdrawal") -> list[int]:
    """`count` ended conversations that all match `words`, newest last."""
    return [chat(person(f"cap-{n}", name=f"Customer {n}"), [f"{words} {n}"], end=True).pk for n in range(count)]


def listed(response) -> list[int]:
    return [c.pk for c in response.context["page"].object_list]


def older_link(html: str) -> str | None:
    found = re.search(r'href="\?([^"]*)">[^<]*→', html)
    return found[1].replace("&amp;", "&") if found else None


def test_past_the_cap_it_says_n_plus_and_counts_no_further(client_as, sofia, settings, monkeypatch):
    require("postgres")
    settings.HISTORY_COUNT_CAP = 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = conversations(5)
    response = client_as(sofia).get(reverse("history"), {"q": "frozen"})
    page = response.context["page"]
    assert page.paginator.is_capped and page.paginator.count == 4  # cap + 1: enough to know there are more
    assert listed(response) == made[::-1][:2] and page.has_next()
    html = response.content.decode()
    assert "3+ conversations" in html and "5 conversations" not in html


def test_under_the_cap_the_count_and_pages_are_exact(client_as, sofia, settings, monkeypatch):
    require("postgres")
    settings.HISTORY_COUNT_CAP = 10
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    conversations(3)
    conversations(1, words="unrelated fees")
    response = client_as(sofia).get(reverse("history"), {"q": "frozen"})
    assert not response.context["page"].paginator.is_capped
    html = response.content.decode()
    assert "3 conversations" in html and "Page 1 of 2" in html


def test_pages_stay_navigable_past_the_cap(client_as, sofia, settings, monkeypatch):
    require("postgres")
    settings.HISTORY_COUNT_CAP = 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = conversations(7)
    client = client_as(sofia)
    seen, query, pages = [], "q=frozen", 0
    while query is not None:
        response = client.get(reverse("history") + "?" + query)
        html = response.content.decode()
        pages += 1
        seen += listed(response)
        assert "3+ conversations" in html and f"Page {pages}<" in html  # no "of N": the total is not known
        query = older_link(html)
        assert pages <= 4
    assert pages == 4 and seen == made[::-1]  # every conversation once, newest first, to the very last


def test_a_page_number_far_past_the_end_shows_the_last_page(client_as, sofia, settings, monkeypatch):
    require("postgres")
    settings.HISTORY_COUNT_CAP = 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = conversations(5)
    response = client_as(sofia).get(reverse("history"), {"q": "frozen", "page": "9" * 40})
    assert response.status_code == 200
    assert listed(response) == [made[0]]


def test_a_capped_count_is_one_query_whatever_the_page_size(client_as, sofia, settings, monkeypatch):
    require("postgres")
    settings.HISTORY_COUNT_CAP = 3
    conversations(6)
    client = client_as(sofia)
    counts = []
    for size in (2, 5):
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("history"), {"q": "frozen"})
        assert len(listed(response)) == size
        counts.append(len(queries))
        assert sum("MATERIALIZED" in q["sql"] for q in queries.captured_queries) == 1
    assert counts[0] == counts[1]
