"""Message search that works in every script we serve (see migrations/0001_message_search.py)."""

import re

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

# Han ideographs (+ extensions and compatibility forms) and Japanese kana: scripts written without spaces.
# Written with \u escapes, which both Python's re and PostgreSQL's regular expressions understand.
CJK_CLASS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
CJK = re.compile(f"({CJK_CLASS})")
MAX_QUERY = 200


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def websearch_text(query: str) -> str:
    """The user's words for websearch_to_tsquery, with every CJK run turned into a quoted phrase of single
    characters (matching how the index spaced them out). Latin, Cyrillic, Arabic... pass through as typed,
    so "quotes", `or` and -minus keep their websearch meaning."""
    terms = []
    for term in query[:MAX_QUERY].split():
        if CJK.search(term):
            characters = CJK.sub(r" \1 ", term.replace('"', " ")).split()
            terms.append('"' + " ".join(characters) + '"')
        else:
            terms.append(term)
    return " ".join(terms)


def matching_messages(messages: QuerySet, query: str) -> QuerySet:
    """Narrow a Message queryset to those whose body matches `query`."""
    query = query.strip()
    if not query:
        return messages
    if not is_postgres():
        return messages.filter(body__icontains=query)
    # Unqualified column name: Django renames table aliases inside subqueries, and only chat_message has it.
    matches = RawSQL(
        "search_vector @@ websearch_to_tsquery('simple'::regconfig, %s)",
        (websearch_text(query),),
        output_field=BooleanField(),
    )
    return messages.filter(matches)
