"""Full-text search over chat messages, in any language (PostgreSQL only; SQLite searches with icontains).

The chat app owns chat_message; this adds a STORED generated tsvector and its GIN index beside it without
touching the chat model: Django never writes the column, PostgreSQL keeps it current on every insert/update.

'simple' config: no stemming and no stop words, so Russian, Arabic, Bengali and Latin-script words are all
indexed as written (lower-cased). Chinese and Japanese have no spaces, so each Han/kana character is spaced
out and indexed as its own token; the search query does the same and asks for a phrase.
"""

from django.db import migrations

from supervisor.search import CJK_CLASS

VECTOR = (
    "to_tsvector('simple'::regconfig, regexp_replace(body, '(" + CJK_CLASS + ")', ' \\1 ', 'g'))"
)

FORWARD = [
    f"ALTER TABLE chat_message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    "CREATE INDEX chat_message_search_gin ON chat_message USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS chat_message_search_gin",
    "ALTER TABLE chat_message DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite (the demo) searches with a plain icontains
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("chat", "0002_satisfaction")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
