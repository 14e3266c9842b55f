"""Charts of the operating-model analysis: coverage heatmap, model comparison, scenario fit.

matplotlib is optional and imported only when a chart is drawn (object-oriented API on the Agg
canvas, so no global pyplot state). Without it, drawing raises ImportError saying what to install.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from kimed.spe.requirements.models import AREAS, CATEGORIES, SCENARIOS, Matrix

RATING_ORDER = ("not", "partial", "supports", "n.a.")  # index = colour in the heatmap
RATING_COLOURS = ("#d73027", "#fee08b", "#1a9850", "#d9d9d9")
FIT_COLOURS = {"good": "#1a9850", "fair": "#fee08b", "poor": "#d73027"}
DIMENSION_COLOURS = {"cost": "#4575b4", "effort": "#91bfdb", "legal_risk": "#fc8d59"}
AREA_COLOURS = {"technical": "#4575b4", "regulatory": "#74add1", "organisational": "#fdae61",
                "governance": "#d73027"}
FORMATS = ("svg", "png")


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised by a test that hides matplotlib
        raise ImportError("the SPE operating-model charts need matplotlib: "
                          "pip install matplotlib") from exc
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def _save(figure: Any, directory: Path, stem: str) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in FORMATS:
        path = directory / f"{stem}.{fmt}"
        path.write_bytes(_bytes(figure, fmt))
        paths.append(path)
    return paths


def _bytes(figure: Any, fmt: str) -> bytes:
    """The figure as SVG (text kept as text, no date, so output is reproducible) or PNG."""
    from matplotlib import rc_context

    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "kimed"}):
        figure.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None,
                       bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def heatmap_svg(matrix: Matrix, by: str = "requirement") -> str:
    """The coverage heatmap as SVG text (for the generated concept document)."""
    return _bytes(heatmap_figure(matrix, by), "svg").decode("utf-8")


def heatmap_data(matrix: Matrix, by: str = "requirement"
                 ) -> tuple[list[str], list[str], list[list[float]]]:
    """Row labels, each row's category, and the values (rows x models).

    ``by="requirement"``: one row per requirement, the value is the index of its rating in
    :data:`RATING_ORDER`. ``by="category"``: one row per category that has requirements, the
    value is the model's coverage of that category (0..1, NaN when all n.a.).
    """
    ids = [m.id for m in matrix.models]
    if by == "requirement":
        labels = [r.id for r in matrix.requirements]
        groups = [r.category for r in matrix.requirements]
        values = [[float(RATING_ORDER.index(matrix.cell(r.id, m).rating)) for m in ids]
                  for r in matrix.requirements]
        return labels, groups, values
    if by == "category":
        present = {r.category for r in matrix.requirements}
        labels = [c for c in CATEGORIES if c in present]
        values = []
        for category in labels:
            row = []
            for m in ids:
                score = matrix.coverage[m].by_category[category].value
                row.append(math.nan if score is None else score)
            values.append(row)
        return labels, labels, values
    raise ValueError(f"by must be 'requirement' or 'category', not {by!r}")


def heatmap_figure(matrix: Matrix, by: str = "requirement") -> Any:
    """The coverage matrix as a heatmap: rows grouped by category, one column per model."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    labels, groups, values = heatmap_data(matrix, by)
    ids = [m.id for m in matrix.models]
    height = max(4.0, 0.11 * len(labels) + 2.5) if by == "requirement" else 0.32 * len(labels) + 2.5
    figure = _figure(2.2 + 0.75 * len(ids) + 2.6, height)
    axes = figure.add_subplot(1, 1, 1)
    if by == "requirement":
        cmap = ListedColormap(RATING_COLOURS)
        axes.imshow(values, cmap=cmap, vmin=-0.5, vmax=len(RATING_ORDER) - 0.5, aspect="auto",
                    interpolation="nearest")
        axes.set_yticks(range(len(labels)), labels, fontsize=4.5)
        starts = [i for i, g in enumerate(groups) if i == 0 or groups[i - 1] != g]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(groups)
            if start:
                axes.axhline(start - 0.5, color="black", linewidth=0.8)
            axes.text(len(ids) - 0.4, (start + end - 1) / 2, groups[start], fontsize=6,
                      va="center", ha="left")
        axes.legend(handles=[Patch(color=c, label=r) for r, c in
                             zip(RATING_ORDER, RATING_COLOURS, strict=True)],
                    loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=4, fontsize=7,
                    frameon=False)
        axes.set_title("Requirement coverage by operating model", fontsize=9)
    else:
        cmap = ListedColormap(["#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850"]
                              ).with_extremes(bad="#d9d9d9")
        image = axes.imshow(values, cmap=cmap, vmin=0, vmax=1, aspect="auto")
        axes.set_yticks(range(len(labels)), labels, fontsize=8)
        for y, row in enumerate(values):
            for x, value in enumerate(row):
                text = "n.a." if math.isnan(value) else f"{100 * value:.0f}"
                axes.text(x, y, text, ha="center", va="center", fontsize=7)
        figure.colorbar(image, ax=axes, fraction=0.04, label="coverage (0-1)")
        axes.set_title("Coverage per category by operating model", fontsize=9)
    axes.set_xticks(range(len(ids)), ids, rotation=40, ha="right", fontsize=7)
    axes.xaxis.tick_top()
    axes.tick_params(axis="x", labelrotation=40)
    return figure


def comparison_figure(matrix: Matrix) -> Any:
    """Per model: coverage by area (left) and cost / effort / legal risk (right)."""
    models = matrix.models
    figure = _figure(12, 0.55 * len(models) + 2.2)
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    areas = list(AREAS)
    bar = 0.8 / len(areas)
    for index, area in enumerate(areas):
        ys = [i + (index - (len(areas) - 1) / 2) * bar for i in range(len(models))]
        xs = [100 * (matrix.coverage[m.id].by_area[area].value or 0) for m in models]
        left.barh(ys, xs, height=bar, color=AREA_COLOURS[area], label=area)
    for i, model in enumerate(models):
        overall = matrix.coverage[model.id].overall.value
        if overall is not None:
            left.plot([100 * overall] * 2, [i - 0.45, i + 0.45], color="black", linewidth=1.2)
    left.set_xlim(0, 100)
    left.set_xlabel("coverage % (black line: overall)")
    left.set_yticks(range(len(models)), [m.id for m in models])
    left.invert_yaxis()
    left.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, frameon=False)
    dims = ("cost", "effort", "legal_risk")
    bar = 0.8 / len(dims)
    for index, dim in enumerate(dims):
        ys = [i + (index - 1) * bar for i in range(len(models))]
        right.barh(ys, [getattr(m.dimensions, dim) for m in models], height=bar,
                   color=DIMENSION_COLOURS[dim], label=dim.replace("_", " "))
    right.set_xlim(0, 5)
    right.set_xticks(range(6))
    right.set_xlabel("1 = low, 5 = high")
    right.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False)
    figure.suptitle("Operating models compared", fontsize=10, y=1.02)
    return figure


def scenario_figure(matrix: Matrix) -> Any:
    """A grid of models x demonstrator scenarios coloured good / fair / poor."""
    from matplotlib.patches import Patch, Rectangle

    models = matrix.models
    figure = _figure(2.5 + 1.9 * len(SCENARIOS), 0.5 * len(models) + 1.8)
    axes = figure.add_subplot(1, 1, 1)
    for y, model in enumerate(models):
        for x, scenario in enumerate(SCENARIOS):
            fit = model.scenarios[scenario].fit
            axes.add_patch(Rectangle((x - 0.48, y - 0.45), 0.96, 0.9,
                                     color=FIT_COLOURS[fit]))
            axes.text(x, y, fit, ha="center", va="center", fontsize=8)
    axes.set_xlim(-0.5, len(SCENARIOS) - 0.5)
    axes.set_ylim(len(models) - 0.5, -0.5)
    axes.set_xticks(range(len(SCENARIOS)), SCENARIOS, fontsize=8)
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(models)), [m.id for m in models], fontsize=8)
    for side in axes.spines.values():
        side.set_visible(False)
    axes.legend(handles=[Patch(color=c, label=f) for f, c in FIT_COLOURS.items()],
                loc="upper center", bbox_to_anchor=(0.5, 0), ncol=3, fontsize=7, frameon=False)
    axes.set_title("Fit for the demonstrator scenarios", fontsize=9, pad=24)
    return figure


def render_all(matrix: Matrix, directory: Path | str) -> list[Path]:
    """Write every chart as SVG and PNG into ``directory``; return the paths written."""
    directory = Path(directory)
    charts = {"coverage-heatmap": heatmap_figure(matrix, "requirement"),
              "coverage-by-category": heatmap_figure(matrix, "category"),
              "model-comparison": comparison_figure(matrix),
              "scenario-fit": scenario_figure(matrix)}
    paths = []
    for stem, figure in charts.items():
        paths += _save(figure, directory, stem)
    return paths
