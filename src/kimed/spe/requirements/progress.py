"""The self-assessment's progress as a bar chart: SVG text (no dependency), or PNG through
matplotlib when it is installed."""

from __future__ import annotations

import html

from kimed.spe.requirements.assessment import Result
from kimed.spe.requirements.concept import title_of

MET, NOT_MET = "#2e7d32", "#c62828"


def bars(result: Result) -> list[tuple[str, float, bool]]:
    """(label, percent of points, met) per category, in catalogue order."""
    return [(f"{area[:3].upper()} {title_of(cat)}", t.percent, t.is_met)
            for (area, cat), t in result.categories.items()]


def progress_svg(result: Result, title: str = "Self-assessment progress per category") -> str:
    rows = bars(result)
    row_h, label_w, bar_w = 22, 300, 360
    height = 40 + row_h * len(rows) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 70}"'
             f' height="{height}" viewBox="0 0 {label_w + bar_w + 70} {height}" '
             f'font-family="sans-serif" font-size="12"><title>{html.escape(title)}</title>',
             f'<text x="0" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, percent, met) in enumerate(rows):
        y = 34 + i * row_h
        width = bar_w * percent / 100
        parts += [f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{html.escape(label)}'
                  "</text>",
                  f'<rect x="{label_w}" y="{y + 2}" width="{bar_w}" height="{row_h - 6}" '
                  'fill="#eceff1"/>',
                  f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{width:.1f}" '
                  f'height="{row_h - 6}" fill="{MET if met else NOT_MET}"><title>'
                  f"{html.escape(label)}: {percent:g} %{' (met)' if met else ''}</title></rect>",
                  f'<text x="{label_w + bar_w + 6}" y="{y + 14}">{percent:g} %</text>']
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def progress_png(result: Result, title: str = "Self-assessment progress per category") -> bytes:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError("PNG output needs matplotlib: pip install matplotlib "
                           "(or use --format svg)") from None
    import io

    rows = bars(result)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1))
    labels = [r[0] for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    colors = [MET if r[2] else NOT_MET for r in rows][::-1]
    ax.barh(labels, values, color=colors)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of points")
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()
