"""Training plots, drawn off-screen and written atomically."""

from __future__ import annotations

from pathlib import Path

from trainers.data.atomic_files import atomic_write

MODE_LABELS = {"in_chat": "in-chat", "isolated": "isolated", "held_out_wording": "held-out wording"}
"""How the report and its plot name the two ways a question is asked."""


def plot_loss(losses: list[tuple[int, float]], path: Path) -> None:
    fig = loss_figure(losses)
    atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=100))


def loss_figure(losses: list[tuple[int, float]]):
    """The loss curve on a log scale: the first steps' loss is tens of times the rest, and on
    a linear scale it pressed everything after the warm-up flat against the axis."""
    fig, ax = _figure((6, 3.5))
    if losses:
        steps, values = zip(*losses)
        ax.plot(steps, values, marker=".")
        if min(values) > 0:
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(_plain_log())
            ax.yaxis.set_minor_formatter(_plain_log(labelOnlyBase=False))  # fewer labels as decades add up
    ax.set(
        xlabel="optimizer step",
        ylabel="training loss (answer tokens, log scale)"
        if ax.get_yscale() == "log"
        else "training loss (answer tokens)",
        title="Training loss",
    )
    ax.grid(alpha=0.3, which="both")
    return fig


def _plain_log(**options):
    """matplotlib's choice of log ticks to label, written 0.3 rather than 3e-01."""
    from matplotlib.ticker import LogFormatter

    class Plain(LogFormatter):
        def __call__(self, x, pos=None):
            return f"{x:g}" if super().__call__(x, pos) else ""

    return Plain(**options)


def _figure(size: tuple[float, float]):
    # A bare Figure on the Agg canvas: no pyplot, so no global backend is changed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


MAJORITY_LABEL = "always the most common answer"


def plot_report(report, fh, baseline=None) -> None:
    """Per-family bars per mode with Wilson error bars, as PNG into a binary file object; a
    baseline report (the majority answer) is drawn as a black mark over each family."""
    report_figure(report, baseline).savefig(fh, format="png", dpi=100)


def report_figure(report, baseline=None):
    """`plot_report`'s figure, titled: a picture passed on without its file name still says
    what it shows and over how many questions."""
    families = report.families + ["overall"]
    modes = list(report.modes)
    fig, ax = _figure((max(6.0, 0.9 * len(families) + 2), 4.5))
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
                ax.hlines(
                    cell.accuracy,
                    i - 0.45,
                    i + 0.45,
                    colors="black",
                    linewidth=2,
                    label=MAJORITY_LABEL if i == 0 else None,
                )
    ax.set_xticks(range(len(families)), families, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    graded = getattr(report, "score", "exact") == "graded"
    ax.set_ylabel(("mean graded credit" if graded else "exact-match accuracy") + " (95% Wilson CI)")
    asked = report[modes[0]].overall.n if modes else 0
    ax.set_title(
        f"{'Credit' if graded else 'Accuracy'} per family: {asked:,} questions"
        + (f", each {' and '.join(MODE_LABELS.get(m, m) for m in modes)}" if len(modes) > 1 else "")
    )
    ax.legend()
    return fig
