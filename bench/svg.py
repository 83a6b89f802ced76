"""Small SVG bar charts (no plotting library in the dependencies)."""

import math
from html import escape

COLOURS = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2"]


def bars(title: str, groups: list[str], series: dict[str, list[float | None]], unit: str, *, log: bool = True) -> str:
    """Grouped bars: one group per label in `groups`, one bar per series; None is drawn as a cross (no value)."""
    width, height, bottom, top = 760, 360, 60, 40
    values = [v for vs in series.values() for v in vs if v]
    high = max(values) if values else 1.0
    # Room for the longest tick label ("2000 msg/s"): about 7 px a character at 12 px.
    left = max(70, 7 * (len(f"{high:g}") + len(unit) + 2) + 10)
    plot_w, plot_h = width - left - 20, height - bottom - top
    low = min(values) if values else 0.1
    if log:
        lo_exp, hi_exp = math.floor(math.log10(max(low, 1e-3))), math.ceil(math.log10(high))
        hi_exp = max(hi_exp, lo_exp + 1)

        def y(v: float) -> float:
            return top + plot_h * (1 - (math.log10(max(v, 10**lo_exp)) - lo_exp) / (hi_exp - lo_exp))

        ticks = [10**e for e in range(lo_exp, hi_exp + 1)]
    else:
        step = 10 ** math.floor(math.log10(high)) if high > 0 else 1
        top_value = math.ceil(high / step) * step

        def y(v: float) -> float:
            return top + plot_h * (1 - v / top_value)

        ticks = [i * step for i in range(int(top_value / step) + 1)]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
    ]
    for tick in ticks:
        ty = y(tick)
        out.append(f'<line x1="{left}" x2="{width - 20}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick:g} {escape(unit)}</text>')
    group_w = plot_w / max(1, len(groups))
    bar_w = group_w * 0.8 / max(1, len(series))
    for g, group in enumerate(groups):
        gx = left + g * group_w + group_w * 0.1
        out.append(
            f'<text x="{gx + group_w * 0.4:.1f}" y="{height - bottom + 18}" text-anchor="middle">{escape(group)}</text>'
        )
        for s, (name, vs) in enumerate(series.items()):
            value, bx = vs[g], gx + s * bar_w
            colour = COLOURS[s % len(COLOURS)]
            if value is None:
                out.append(
                    f'<text x="{bx + bar_w / 2:.1f}" y="{top + plot_h - 4}" text-anchor="middle" '
                    f'fill="{colour}">lost</text>'
                )
                continue
            by = y(value)
            out.append(
                f'<rect x="{bx:.1f}" y="{by:.1f}" width="{bar_w * 0.9:.1f}" '
                f'height="{max(0.5, top + plot_h - by):.1f}" fill="{colour}"><title>{escape(name)}: '
                f"{value:.3g} {escape(unit)}</title></rect>"
            )
    for s, name in enumerate(series):
        lx = left + s * min(160, (width - left) // max(1, len(series)))
        out.append(f'<rect x="{lx}" y="{height - 22}" width="12" height="12" fill="{COLOURS[s % len(COLOURS)]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 12}">{escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)
