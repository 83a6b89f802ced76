"""Charts drawn on the server as SVG: no CDN, no JavaScript, readable without internet.

A chart is a list of shapes computed here and drawn by templates/supervisor/_svg.html (auto-escaped, classes
for colours so the CSS owns the palette and dark mode). Every chart also keeps its numbers for a table.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 60, 12, 12, 34
MAX_X_LABELS = 10


@dataclass
class Svg:
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    polylines: list[dict] = field(default_factory=list)
    dots: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    title: str = ""


def _nice_max(value: float, whole: bool = False) -> float:
    """The top of the axis: four equal steps of a round size (1, 2 or 5 x 10^k), so the axis reads
    0, 5, 10, 15, 20 and not 0, 4.3, 8.6."""
    if value <= 0:
        return 4
    rough = value / 4
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    return 4 * (max(step, 1) if whole else step)


def _frame(svg: Svg, top: float, fmt) -> None:
    plot_h = svg.height - TOP - BOTTOM
    for i in range(5):
        value = top * i / 4
        y = svg.height - BOTTOM - plot_h * i / 4
        svg.lines.append({"x1": LEFT, "y1": y, "x2": svg.width - RIGHT, "y2": y, "cls": "axis" if i == 0 else "grid"})
        svg.texts.append({"x": LEFT - 6, "y": y + 4, "text": fmt(value), "anchor": "end"})


def _x_labels(svg: Svg, labels: list[str], centres: list[float]) -> None:
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if i % every == 0:
            svg.texts.append({"x": x, "y": svg.height - BOTTOM + 16, "text": label, "anchor": "middle"})


def _slots(count: int, width: int) -> tuple[float, list[float]]:
    plot_w = width - LEFT - RIGHT
    slot = plot_w / max(count, 1)
    return slot, [LEFT + slot * (i + 0.5) for i in range(count)]


def bars(
    labels: list[str], values: list[float], *, title: str, cls: str = "bar", fmt=lambda v: f"{v:g}", whole=True
) -> Svg:
    svg = Svg(title=title)
    top = _nice_max(max(values, default=0), whole)
    _frame(svg, top, fmt)
    slot, centres = _slots(len(values), svg.width)
    plot_h = svg.height - TOP - BOTTOM
    for label, value, x in zip(labels, values, centres, strict=True):
        h = plot_h * value / top
        svg.rects.append(
            {
                "x": x - slot * 0.38,
                "y": svg.height - BOTTOM - h,
                "w": slot * 0.76,
                "h": h,
                "cls": cls,
                "title": f"{label}: {fmt(value)}",
            }
        )
    _x_labels(svg, labels, centres)
    return svg


def stacked(labels: list[str], stacks: list[dict[str, int]], order: list[str], *, title: str) -> Svg:
    """One bar per label, split into segments in `order` (CSS class seg-<key>)."""
    svg = Svg(title=title)
    top = _nice_max(max((sum(s.values()) for s in stacks), default=0), whole=True)
    _frame(svg, top, lambda v: f"{v:g}")
    slot, centres = _slots(len(stacks), svg.width)
    plot_h = svg.height - TOP - BOTTOM
    for label, stack, x in zip(labels, stacks, centres, strict=True):
        base = svg.height - BOTTOM
        for key in order:
            count = stack.get(key, 0)
            if not count:
                continue
            h = plot_h * count / top
            base -= h
            svg.rects.append(
                {
                    "x": x - slot * 0.38,
                    "y": base,
                    "w": slot * 0.76,
                    "h": h,
                    "cls": f"seg-{key}",
                    "title": f"{label}: {key} {count}",
                }
            )
    _x_labels(svg, labels, centres)
    return svg


def lines(labels: list[str], series: dict[str, list[float | None]], *, title: str, fmt) -> Svg:
    """One line per series (CSS classes line-<name>, dot-<name>); gaps where a value is None."""
    svg = Svg(title=title)
    top = _nice_max(max((v for values in series.values() for v in values if v is not None), default=0))
    _frame(svg, top, fmt)
    _, centres = _slots(len(labels), svg.width)
    plot_h = svg.height - TOP - BOTTOM
    for name, values in series.items():
        run: list[str] = []
        for label, value, x in zip(labels, values, centres, strict=True):
            if value is None:
                if len(run) > 1:
                    svg.polylines.append({"points": " ".join(run), "cls": f"line-{name}"})
                run = []
                continue
            y = svg.height - BOTTOM - plot_h * value / top
            run.append(f"{x:.1f},{y:.1f}")
            svg.dots.append({"x": x, "y": y, "cls": f"dot-{name}", "title": f"{label}: {name} {fmt(value)}"})
        if len(run) > 1:
            svg.polylines.append({"points": " ".join(run), "cls": f"line-{name}"})
    _x_labels(svg, labels, centres)
    return svg
