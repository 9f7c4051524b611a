"""Drawing grids: terminal colours and PNG files, in the ARC colours, with no dependency
beyond numpy and the standard library."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from trainers.data.atomic_files import atomic_write
from trainers.data.images import ARC_RGB, grid_pixels, png

DOC_LEVEL = 9
"""zlib level of the docs' and `show --png`'s images: small files, made one at a time."""


def ansi(grid: np.ndarray) -> str:
    """Each cell as its digit on its colour (24-bit terminal colours), two columns wide."""
    lines = []
    for row in grid.tolist():
        cells = []
        for v in row:
            r, g, b = ARC_RGB[v].tolist()
            ink = "30" if (r + g + b) > 380 else "97"
            cells.append(f"\x1b[48;2;{r};{g};{b}m\x1b[{ink}m{v} \x1b[0m")
        lines.append("".join(cells))
    return "\n".join(lines)


def png_bytes(grid: np.ndarray, cell: int = 20, gap: int = 1) -> bytes:
    """An RGB PNG of one grid."""
    return png(grid_pixels(grid, cell, gap), DOC_LEVEL)


def png_bytes_many(grids: list[np.ndarray], cell: int = 20, gap: int = 1, spacing: int = 2) -> bytes:
    """Several grids side by side, top-aligned, `spacing` cells apart on a white ground."""
    if len(grids) == 1:
        return png_bytes(grids[0], cell, gap)
    step = cell + gap
    height = max(g.shape[0] for g in grids) * step + gap
    widths = [g.shape[1] * step + gap for g in grids]
    image = np.full((height, sum(widths) + spacing * step * (len(grids) - 1), 3), 0xFF, dtype=np.uint8)
    left = 0
    for grid, width in zip(grids, widths):
        image[: grid.shape[0] * step + gap, left : left + width] = grid_pixels(grid, cell, gap)
        left += width + spacing * step
    return png(image, DOC_LEVEL)


def write_png(grid: np.ndarray, path: Path) -> None:
    atomic_write(path, lambda fh: fh.write(png_bytes(grid)))
