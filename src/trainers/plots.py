"""Training plots, drawn off-screen (matplotlib's Agg backend) and written atomically."""

from __future__ import annotations

from pathlib import Path

from trainers.files import atomic_write


def plot_loss(losses: list[tuple[int, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    if losses:
        steps, values = zip(*losses)
        ax.plot(steps, values, marker=".")
    ax.set(xlabel="optimizer step", ylabel="training loss (answer tokens)", title="Loss")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    atomic_write(path, lambda fh: fig.savefig(fh, format="png", dpi=100))
    plt.close(fig)
