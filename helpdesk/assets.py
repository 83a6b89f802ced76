"""What a production image must carry besides the code: compiled catalogues and the hashed static files.

`python -m helpdesk.assets` (the last step of scripts/build-assets) lists what is missing and fails if anything is:
an image built without a language's catalogue, or with a static file its pages ask for but the manifest lacks,
would ship broken pages without a word in any log.
"""

import json
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.utils.translation import to_locale

DOMAINS = ("django", "djangojs")
MANIFEST = "staticfiles.json"


def missing_catalogues(locale_dir: Path) -> list[str]:
    """Every language of the product, both domains: a .mo at least as new as its .po."""
    missing = []
    for code, _ in settings.LANGUAGES:
        for domain in DOMAINS:
            po = locale_dir / to_locale(code) / "LC_MESSAGES" / f"{domain}.po"
            mo = po.with_suffix(".mo")
            if not mo.exists() or (po.exists() and mo.stat().st_mtime < po.stat().st_mtime):
                missing.append(str(mo.relative_to(locale_dir)))
    return missing


def collectable_files() -> set[str]:
    """Every static file collectstatic gathers (ours under static/, the apps', Django admin's, the API docs')."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns  # as collectstatic's defaults
    return {path for finder in get_finders() for path, _ in finder.list(ignore)}


def missing_static(static_root: Path) -> list[str]:
    manifest_file = static_root / MANIFEST
    if not manifest_file.exists():
        return [MANIFEST]
    paths = json.loads(manifest_file.read_text())["paths"]
    missing = sorted(collectable_files() - set(paths))
    missing += sorted(hashed for hashed in paths.values() if not (static_root / hashed).exists())
    return missing


def main() -> int:
    missing = missing_catalogues(Path(settings.LOCALE_PATHS[0])) + missing_static(Path(settings.STATIC_ROOT))
    for name in missing:
        print(f"missing: {name}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    sys.exit(main())
