"""The report's figures, drawn with matplotlib (Agg) from the command line's JSON objects: selection, patients and
DLTs, sample size and duration. Each figure is kept as PNG (Word, Markdown) and SVG (HTML), both standalone."""

from __future__ import annotations

import io
from typing import Any

from .document import Figure

#: (fill, edge) per series, colour-blind safe (Okabe-Ito)
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH = 6.4  # inches: a Word page's text width
PANEL_HEIGHT = 2.6


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _figure(fig: Any, key: str, caption: str) -> Figure:
    """PNG and SVG of a matplotlib figure (no dates in the files, so the same report gives the same bytes)."""
    plt = _pyplot()
    png, svg = io.BytesIO(), io.StringIO()
    fig.savefig(png, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return Figure(key, caption, png.getvalue(), svg.getvalue())


def _panels(n: int) -> tuple[Any, list[Any]]:
    plt = _pyplot()
    plt.rcParams.update({"font.size": 8, "svg.hashsalt": "phase1-explorer"})
    fig, axes = plt.subplots(1, n, figsize=(WIDTH, PANEL_HEIGHT), squeeze=False)
    return fig, list(axes[0])


def _bars(ax: Any, labels: list[str], series: list[tuple[str, list[float]]], ylabel: str,
          inner: list[list[float]] | None = None) -> None:
    """Grouped bars, one group per label and one bar per series; `inner` draws a darker bar inside each (DLTs)."""
    k = len(series)
    width = 0.8 / k
    for i, (name, values) in enumerate(series):
        xs = [j - 0.4 + width * (i + 0.5) for j in range(len(values))]
        ax.bar(xs, values, width * 0.95, color=COLOURS[i % len(COLOURS)], label=name, alpha=0.85)
        if inner is not None:
            ax.bar(xs, inner[i], width * 0.55, color="#333333", label="DLTs" if i == 0 else None)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=20 if max(len(lab) for lab in labels) > 6 else 0, ha="right"
                       if max(len(lab) for lab in labels) > 6 else "center")
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)


def selection_figure(panels: list[tuple[str, list[tuple[str, dict[str, Any]]]]], key: str = "selection") -> Figure:
    """P(select) per dose and of no dose: one panel per arm, one bar per design; the true MTD's label starred."""
    fig, axes = _panels(len(panels))
    for ax, (title, series) in zip(axes, panels):
        d0 = series[0][1]
        labels = [lab + (" *" if d0["true_mtd"] == k + 1 else "") for k, lab in enumerate(d0["doses"])] + ["none"]
        _bars(ax, labels, [(name, [*d["selection"], d["no_selection"]]) for name, d in series], "P(select as MTD)")
        ax.set_ylim(0, 1)
        ax.set_title(title)
        if len(series) > 1:
            ax.legend(frameon=False)
    caption = "Probability of selecting each dose as the MTD, and of selecting none (* the true MTD)."
    return _figure(fig, key, caption)


def patients_figure(panels: list[tuple[str, list[tuple[str, dict[str, Any]]]]], key: str = "patients") -> Figure:
    """Mean patients per dose with the mean DLTs inside each bar: one panel per arm."""
    fig, axes = _panels(len(panels))
    for ax, (title, series) in zip(axes, panels):
        labels = list(series[0][1]["doses"])
        _bars(ax, labels, [(name, d["patients"]) for name, d in series], "mean number per trial",
              inner=[d["dlts"] for _, d in series])
        ax.set_title(title)
        ax.legend(frameon=False)
    return _figure(fig, key, "Mean number of patients treated at each dose (bars) and of DLTs among them (dark "
                             "inner bars).")


def sample_size_figure(series: list[tuple[str, dict[str, float]]], key: str = "sample-size",
                       what: str = "Sample size") -> Figure:
    """The distribution of the sample size: P(N = n) for each design or arm."""
    fig, axes = _panels(1)
    ax = axes[0]
    dists = [(name, {int(n): float(p) for n, p in dist.items()}) for name, dist in series]  # JSON keys are text
    ns = sorted({n for _, dist in dists for n in dist})
    _bars(ax, [str(n) for n in ns], [(name, [dist.get(n, 0.0) for n in ns]) for name, dist in dists], "probability")
    ax.set_xlabel("patients enrolled")
    if len(series) > 1:
        ax.legend(frameon=False)
    return _figure(fig, key, f"{what}: the probability of each number of patients enrolled.")


def duration_figure(series: list[tuple[str, dict[str, Any]]], unit: str, key: str = "duration") -> Figure:
    """The distribution of the trial's duration (its histogram bins) with the mean and 90th percentile marked."""
    fig, axes = _panels(1)
    ax = axes[0]
    for i, (name, d) in enumerate(series):
        dist = d["distribution"]
        edges, prob = dist["edges"], dist["probability"]
        ax.stairs(prob, edges, color=COLOURS[i % len(COLOURS)], label=name, fill=len(series) == 1, alpha=0.7)
        ax.axvline(d["mean"], color=COLOURS[i % len(COLOURS)], linestyle="--", linewidth=1)
        ax.axvline(d["p90"], color=COLOURS[i % len(COLOURS)], linestyle=":", linewidth=1)
    ax.set_xlabel(f"duration ({unit})")
    ax.set_ylabel("probability")
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(frameon=False)
    return _figure(fig, key, f"Distribution of the trial's duration in {unit} (dashed: mean; dotted: 90th "
                             "percentile).")
