"""Reading this project's gettext catalogues in tests: compile them if stale, list msgids and translations."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
# Django language code -> gettext locale folder
LANGUAGES = {"en": "en", "ru": "ru", "ar": "ar", "zh-hans": "zh_Hans", "fil": "fil", "bn": "bn"}
TRANSLATED = [code for code in LANGUAGES if code != "en"]
DOMAINS = ("django", "djangojs")


def compile_if_stale() -> None:
    """`make test` compiles before pytest; a single `scripts/pytest tests/i18n` run should not need to."""
    for po in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(lines: list[str]) -> str:
    text = "".join(_STRING.findall(" ".join(lines)))
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match[1], match[0]), text)


def entries(folder: str, domain: str) -> list[dict]:
    """The live (not obsolete) entries of one .po file: msgid, msgid_plural, msgstr list, references, flags."""
    path = LOCALE / folder / "LC_MESSAGES" / f"{domain}.po"
    found = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in chunk.splitlines() if line and not line.startswith("#~")]
        entry = {"refs": [], "flags": [], "msgstr": []}
        key = None
        parts: dict[str, list[str]] = {}
        for line in lines:
            if line.startswith("#:"):
                entry["refs"] += line[2:].split()
            elif line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                parts[key].append(line)
            else:
                key, _, rest = line.partition(" ")
                parts[key] = [rest]
        if "msgid" not in parts:
            continue
        entry["msgid"] = _unquote(parts.pop("msgid"))
        entry["msgid_plural"] = _unquote(parts.pop("msgid_plural")) if "msgid_plural" in parts else None
        entry["msgstr"] = [_unquote(value) for key, value in sorted(parts.items()) if key.startswith("msgstr")]
        if entry["msgid"]:
            found.append(entry)
    return found
