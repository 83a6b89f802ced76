"""The widget's JavaScript stays small enough for a phone on a 2G-like link (docs/i18n.md, "Slow links")."""

import gzip
import re

from tests.i18n.catalogues import ROOT

BUDGET = 50 * 1024  # bytes, gzipped: about 1.6 s at 250 kbit/s
STATIC = ROOT / "static"
ENTRY_POINTS = [STATIC / "widget" / "embed.js", STATIC / "widget" / "widget.js"]
IMPORT = re.compile(
    r"""^\s*(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']"""
    r"""|\bimport\(\s*["']([^"']+)["']\s*\)""",  # loaded later (attachments), counted all the same
    re.M,
)


def widget_modules() -> list:
    """embed.js, widget.js and every module widget.js imports, followed through their own imports."""
    seen, todo = [], list(ENTRY_POINTS)
    while todo:
        path = todo.pop().resolve()
        if path in seen:
            continue
        seen.append(path)
        for match in IMPORT.finditer(path.read_text(encoding="utf-8")):
            todo.append(path.parent / (match[1] or match[2] or match[3]))
    return seen


def test_widget_javascript_is_at_most_50_kb_gzipped(record_property):
    modules = widget_modules()
    names = {path.name for path in modules}
    assert {"embed.js", "widget.js", "socket.js", "cards.js", "attachments.js"} <= names
    sizes = {path.name: len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in modules}
    total = sum(sizes.values())
    record_property("widget_js_gzipped_bytes", total)
    print(f"widget JavaScript, gzipped: {total} bytes {sizes}")
    assert total <= BUDGET


def test_the_module_walk_finds_imports():
    """The size check is only as good as its import walk: a module imported by widget.js must be counted."""
    text = (STATIC / "widget" / "widget.js").read_text(encoding="utf-8")
    imported = {match[1] or match[2] or match[3] for match in IMPORT.finditer(text)}
    assert imported and all((STATIC / "widget" / name).resolve().is_file() for name in imported)
