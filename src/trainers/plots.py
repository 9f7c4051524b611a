"""Training plots, drawn off-screen and written atomically."""

from __future__ import annotations

from pathlib import Path

from trainers.files import atomic_write
from trainers.report import MODE_LABELS


def plot_loss(losses: list[tuple[int, float]], path: Path) -> None:
    # A bare Figure on the Agg canvas: no pyplot, so no global backend is changed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if losses:
        steps, values = zip(*losses)
        ax.plot(steps, values, marker=".")
    ax.set(xlabel="optimizer step", ylabel="training loss (answer tokens)", title="Loss")
    ax.grid(alpha=0.3)
    atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=100))


MAJORITY_LABEL = "always the most common answer"


def plot_report(report, fh, baseline=None) -> None:
    """Per-family bars per mode with Wilson error bars, as PNG into a binary file object; a
    baseline report (the majority answer) is drawn as a black mark over each family."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    families = report.families + ["overall"]
    modes = list(report.modes)
    fig = Figure(figsize=(max(6.0, 0.9 * len(families) + 2), 4.5), layout="constrained")
    FigureCanvasAgg(fig)  # Agg without touching pyplot's global backend
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(modes))
    for j, m in enumerate(modes):
        cells = [report[m].families.get(f) if f != "overall" else report[m].overall for f in families]
        acc = [(c.accuracy or 0.0) if c else 0.0 for c in cells]
        lo = [a - (c.interval[0] if c else 0.0) for a, c in zip(acc, cells)]
        hi = [(c.interval[1] if c else 0.0) - a for a, c in zip(acc, cells)]
        xs = [i + (j - (len(modes) - 1) / 2) * width for i in range(len(families))]
        ax.bar(xs, acc, width, yerr=[lo, hi], capsize=3, label=MODE_LABELS.get(m, m))
    if baseline is not None:
        first = baseline.modes[0]
        marks = [baseline[first].families.get(f) if f != "overall" else baseline[first].overall for f in families]
        for i, cell in enumerate(marks):
            if cell is not None and cell.n:
                ax.hlines(cell.accuracy, i - 0.45, i + 0.45, colors="black", linewidth=2, label=MAJORITY_LABEL if i == 0 else None)
    ax.set_xticks(range(len(families)), families, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("exact-match accuracy (95% Wilson CI)")
    ax.legend()
    fig.savefig(fh, format="png", dpi=100)
