"""scripts/build-assets, the one script that builds the image's catalogues and static files (and CI's, and
`make test`'s): its output is complete, and a failure fails it."""

import gettext
import json
import os
import re
import subprocess

from django.conf import settings
from django.utils.translation import to_locale

from helpdesk import assets
from tests.conftest import ROOT


def build(static_root) -> subprocess.CompletedProcess:
    env = dict(os.environ, HELPDESK_STATIC_ROOT=str(static_root))
    return subprocess.run(["scripts/build-assets"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_build_holds_every_catalogue_and_every_static_file(tmp_path):
    result = build(tmp_path / "static")
    assert result.returncode == 0, result.stderr

    for code, _ in settings.LANGUAGES:
        for domain in ("django", "djangojs"):
            mo = ROOT / "locale" / to_locale(code) / "LC_MESSAGES" / f"{domain}.mo"
            with mo.open("rb") as file:
                catalogue = gettext.GNUTranslations(file)
            if code == "ru" and domain == "django":
                assert catalogue.gettext("Open a recovery case") != "Open a recovery case"

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    ours = {str(path.relative_to(ROOT / "static")) for path in (ROOT / "static").rglob("*") if path.is_file()}
    assert ours and ours <= set(manifest), ours - set(manifest)
    assert "admin/css/base.css" in manifest  # the apps' files too
    for name, hashed in manifest.items():
        assert (tmp_path / "static" / hashed).is_file(), name
    assert (tmp_path / "static" / f"{manifest['js/socket.js']}.gz").is_file()  # served compressed
    # A module imports the others under their hashed names, as the pages preload them: each is downloaded once and
    # is one instance (helpdesk/static_storage.py).
    imports = re.compile(r"""(?:from|import)\s*\(?\s*["'](\.{1,2}/[^"']+)["']""")
    for name in (n for n in ours if n.endswith(".js") and "vendor" not in n):
        targets = imports.findall((tmp_path / "static" / manifest[name]).read_text(encoding="utf-8"))
        plain = [target for target in targets if not re.search(r"\.[0-9a-f]{12}\.js$", target)]
        assert plain == [], f"{manifest[name]} imports {plain} by the plain name"
    widget = (tmp_path / "static" / manifest["widget/widget.js"]).read_text(encoding="utf-8")
    assert f'from "../{manifest["js/socket.js"]}"' in widget


def test_a_failing_step_fails_the_build(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("STATIC_ROOT cannot be made under a file")
    result = build(blocker / "static")
    assert result.returncode != 0


def test_the_check_names_what_is_missing(tmp_path):
    assert assets.missing_static(tmp_path) == ["staticfiles.json"]
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": {"js/socket.js": "js/socket.abc123.js"}}))
    missing = assets.missing_static(tmp_path)
    assert "css/console.css" in missing
    assert "js/socket.abc123.js" in missing  # in the manifest, but not on disk
    assert "js/socket.js" not in missing

    po = tmp_path / "ru" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text("")
    assert "ru/LC_MESSAGES/django.mo" in assets.missing_catalogues(tmp_path)
    assert len(assets.missing_catalogues(tmp_path)) == 2 * len(settings.LANGUAGES)


def test_the_image_builds_its_assets_with_the_script_and_hides_no_failure():
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM .*$", dockerfile, flags=re.MULTILINE)
    assert len(stages) >= 2, stages
    assert "RUN scripts/build-assets" in dockerfile
    assert "--from=build /app/staticfiles" in dockerfile and "--from=build /app/locale" in dockerfile
    assert "|| true" not in dockerfile
    assert "**/*.mo" in (ROOT / ".dockerignore").read_text()  # an image is built from sources, as a clean clone
    assert "scripts/build-assets" in (ROOT / "scripts" / "run-tests").read_text()
