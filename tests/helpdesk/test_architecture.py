"""The structure, enforced (docs/architecture.md): no app reaches another by a string, and no import circle inside
an app but the usual Celery one. The layers themselves are import-linter's contract (`make lint`, pyproject.toml)."""

import ast
import tomllib

import grimp

from tests.conftest import ROOT

PACKAGES = ["common", "accounts", "tickets", "chat", "recovery", "pnl", "supervisor", "helpdesk"]
# Wiring code may name apps and modules by string: the wiring layer, and migrations (which must use
# apps.get_model, the historical models).
WIRING = ("helpdesk/",)
STRING_IMPORTS = {"get_model", "import_module", "import_string", "__import__"}


def _calls_by_string(path, root=ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in STRING_IMPORTS:
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}()")
        if isinstance(node, ast.ImportFrom) and node.module == "importlib":
            found.append(f"{path.relative_to(root)}:{node.lineno} from importlib import …")
    return found


def test_no_app_reaches_another_by_a_string():
    """A model or module looked up by name hides a dependency: a rename then degrades a feature silently instead
    of failing. Import it (downhill), or let the app above register itself (tickets/extensions.py)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative.startswith(WIRING) or "/migrations/" in relative:
                continue
            found += _calls_by_string(path)
    assert found == []


def test_the_scan_finds_a_lookup_by_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from importlib import import_module\nfrom django.apps import apps\n"
        "Model = apps.get_model('chat', 'Conversation')\nchains = import_module('recovery.chains')\n"
    )
    assert _calls_by_string(sample, tmp_path) == [
        "sample.py:1 from importlib import …",
        "sample.py:3 get_model()",
        "sample.py:4 import_module()",
    ]


def _allowed_circles() -> set[tuple[str, str]]:
    """The Celery imports the import-linter contract ignores (pyproject.toml, id "no-circles")."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["id"] == "no-circles"]
    return {tuple(part.strip() for part in line.split("->")) for line in contract["ignore_imports"]}


def _circles(graph, allowed: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of the module graph (Tarjan), without the allowed edges."""
    modules = sorted(graph.modules)
    edges = {m: [i for i in graph.find_modules_directly_imported_by(m) if (m, i) not in allowed] for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_circle_between_modules_but_the_celery_ones():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    allowed = _allowed_circles()
    assert allowed == {
        ("chat.tasks", "chat.replies"),
        ("tickets.tasks", "tickets.webhooks"),
        ("recovery.tasks", "recovery.services"),
    }
    assert _circles(graph, allowed) == []
    assert sorted(_circles(graph, set())) == [
        ["chat.replies", "chat.tasks"],
        ["recovery.services", "recovery.tasks"],
        ["tickets.tasks", "tickets.webhooks"],
    ], "each Celery circle is real, and the only one"


def test_every_refusal_is_one_kind():
    """One base class (code, detail) for every app's refusals: a class that stores its own `code` is not one."""
    from chat.attachments.errors import AttachmentRefused
    from chat.consumers import FrameError
    from chat.services import ChatError
    from chat.widget_api import Refused
    from common.errors import Refusal
    from pnl.services import PnlError
    from recovery.services import RecoveryError
    from tickets.services import Conflict, TicketError

    for refusal in (ChatError, FrameError, AttachmentRefused, TicketError, Conflict, RecoveryError, PnlError, Refused):
        assert issubclass(refusal, Refusal), refusal
    assert TicketError("no subject").code == "invalid" and Conflict("taken").detail == "taken"
    assert AttachmentRefused("too_large", "over %(limit)s", limit="1 KB").detail == "over %(limit)s"
    assert Refused(409, "stale_step", "answered already").status == 409
    storing = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and node.name != "Refusal":
                    source = ast.unparse(node)
                    if "self.code = " in source and "self.detail = " in source:
                        storing.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert storing == []


MODULE_LINES = 400  # the house guideline (docs/architecture.md): past it, split by responsibility


def test_no_module_of_ours_is_over_the_guideline():
    """Python and JavaScript we wrote (migrations are generated, not read as modules)."""
    mine = [*PACKAGES, "bench", "tests", "static", "scripts"]
    sources = [path for top in mine for pattern in ("*.py", "*.js") for path in (ROOT / top).rglob(pattern)]
    sources = [path for path in sources if "migrations" not in path.parts and "vendor" not in path.parts]
    assert len(sources) > 200
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in sources
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert too_long == {}
