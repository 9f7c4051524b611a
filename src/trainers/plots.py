"""Training plots, drawn off-screen and written atomically."""

from __future__ import annotations

from pathlib import Path

from trainers.files import atomic_write


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
