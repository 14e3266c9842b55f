"""What the quality pages show: a score in the page language, and charts as inline SVG.

The charts are plain server-rendered SVG (no JavaScript): a histogram of the MQA points and a bar
chart of the most-missing properties. Colours come from CSS classes (site.css, design tokens), and
every chart has a title, a description and a table with the same numbers next to it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from kimed.catalog.quality import QualityScore, explain
from kimed.catalog.quality.explain import fmt_points
from kimed.web.i18n import translator


def score_view(score: QualityScore, lang: str) -> dict:
    """A dataset's score for the page: totals, dimensions, explanations in ``lang``."""
    t = translator(lang)
    hints = [{"text": t(e.key, property=e.property, points=fmt_points(e.missing)),
              "property": e.property, "property_iri": e.property_iri, "missing": e.missing,
              "dimension": e.dimension} for e in explain(score)]
    dims = [{**d, "label": t(f"quality.dimension.{d['dimension']}"),
             "points_text": fmt_points(d["points"]), "unchecked_text": fmt_points(d["unchecked"]),
             "percent": round(100 * d["points"] / d["max"]) if d["max"] else 0}
            for d in score.dimensions()]
    return {"points": fmt_points(score.points), "band": score.band,
            "band_label": t(f"quality.band.{score.band}"), "unchecked": score.unchecked,
            "unchecked_text": fmt_points(score.unchecked), "links_checked": score.links_checked,
            "health": fmt_points(score.health_points), "health_max": score.health_max,
            "dimensions": dims, "hints": hints}


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> Markup:
    head = (f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
            f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def histogram_svg(bins: list[dict], title: str, desc: str, ident: str = "histogram") -> Markup:
    """Vertical bars, one per bin of points, labelled with the range and the count."""
    width, height, left, bottom, top = 640, 240, 8, 36, 20
    step = (width - 2 * left) / max(1, len(bins))
    most = max((b["count"] for b in bins), default=0) or 1
    body = []
    for i, b in enumerate(bins):
        h = (height - bottom - top) * b["count"] / most
        x = left + i * step
        y = height - bottom - h
        body.append(f'<rect class="chart-bar" x="{x + 4:.1f}" y="{y:.1f}" width="{step - 8:.1f}" '
                    f'height="{h:.1f}"><title>{b["low"]}–{b["high"]}: {b["count"]}</title></rect>')
        body.append(f'<text class="chart-value" x="{x + step / 2:.1f}" y="{y - 4:.1f}" '
                    f'text-anchor="middle">{b["count"]}</text>')
        body.append(f'<text class="chart-label" x="{x + step / 2:.1f}" y="{height - bottom + 16}" '
                    f'text-anchor="middle">{b["low"]}–{b["high"]}</text>')
    body.append(f'<line class="chart-axis" x1="{left}" x2="{width - left}" y1="{height - bottom}" '
                f'y2="{height - bottom}"/>')
    return _svg(width, height, title, desc, body, ident)


CHAR_PX = 7.0  # a generous width of one character at the charts' 12px font


def text_width(text: str) -> float:
    """An upper estimate of the width of ``text`` in the chart font (SVG text does not wrap, so
    the chart makes room for its longest label and value)."""
    return len(text) * CHAR_PX


def bars_svg(items: list[tuple[str, float, str]], title: str, desc: str,
             ident: str = "missing") -> Markup:
    """Horizontal bars: (label, value, value text) per row, longest value full width. Room is
    made on the left for the longest label and on the right for the longest value text."""
    row, width, gap = 28, 720, 8
    label_w = gap + max((text_width(label) for label, _, _ in items), default=0.0)
    value_w = gap + max((text_width(text) for _, _, text in items), default=0.0)
    bar_w = max(80.0, width - label_w - value_w - gap)
    width = round(label_w + bar_w + value_w + gap)
    height = max(1, len(items)) * row + 8
    most = max((v for _, v, _ in items), default=0) or 1
    body = []
    for i, (label, value, text) in enumerate(items):
        y = 4 + i * row
        w = bar_w * value / most
        body.append(f'<text class="chart-label" x="{label_w - gap:.1f}" y="{y + 18}" '
                    f'text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect class="chart-bar" x="{label_w:.1f}" y="{y + 4}" width="{w:.1f}" '
                    f'height="{row - 10}"><title>{escape(label)}: {escape(text)}</title></rect>')
        body.append(f'<text class="chart-value" x="{label_w + w + 6:.1f}" y="{y + 18}">'
                    f'{escape(text)}</text>')
    return _svg(width, height, title, desc, body, ident)
