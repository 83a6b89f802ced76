"""axe-core (from npm) run inside Chromium: the serious and critical findings of a page or a frame."""

from tests.i18n.catalogues import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return { passes: result.passes.length + result.violations.length + result.incomplete.length,
           violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                                       targets: v.nodes.map((n) => n.target.join(" ")) })) };
}"""


def serious_violations(target) -> list[str]:
    """Inject axe (the page's context needs bypass_csp=True: the script goes in as an inline tag) and run it."""
    target.add_script_tag(path=str(AXE))
    result = target.evaluate(RUN)
    assert result["passes"] > 10, "axe did not really run"
    for finding in result["violations"]:
        print("axe:", finding["impact"], finding["id"], finding["targets"][:3])
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets'][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def widget_frame(page):
    return next(frame for frame in page.frames if "/widget/frame/" in frame.url)
