"""Transcript exports: exactly the entries of the timeline, as JSON or CSV."""

import csv
import io
import json

from supervisor.timeline import Entry

CSV_COLUMNS = ["at", "source", "kind", "who", "role", "text", "ref", "data", "customer_text"]
# A cell starting with one of these is a formula to a spreadsheet; a customer could type one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_json(conversation_id: int, entries: list[Entry]) -> str:
    document = {"conversation": conversation_id, "timeline": [entry.as_export() for entry in entries]}
    return json.dumps(document, ensure_ascii=False, indent=2)


def _cell(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if value else ""
    if isinstance(value, int):
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_csv(entries: list[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.as_export()
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return out.getvalue()
