"""Drawing grids: terminal colours and PNG files, in the ARC colours, with no dependency
beyond numpy and the standard library."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from trainers.data.atomic_files import atomic_write

# The RGB colours of the ARC testing interface, colours 0-9.
ARC_RGB = np.array(
    [
        (0x00, 0x00, 0x00),
        (0x00, 0x74, 0xD9),
        (0xFF, 0x41, 0x36),
        (0x2E, 0xCC, 0x40),
        (0xFF, 0xDC, 0x00),
        (0xAA, 0xAA, 0xAA),
        (0xF0, 0x12, 0xBE),
        (0xFF, 0x85, 0x1B),
        (0x7F, 0xDB, 0xFF),
        (0x87, 0x0C, 0x25),
    ],
    dtype=np.uint8,
)


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


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _image(grid: np.ndarray, cell: int, gap: int) -> np.ndarray:
    """RGB pixels: `cell` pixels a cell, grey grid lines `gap` pixels wide."""
    h, w = grid.shape
    step = cell + gap
    image = np.full((h * step + gap, w * step + gap, 3), 0x55, dtype=np.uint8)
    for r in range(h):
        for c in range(w):
            image[gap + r * step : gap + r * step + cell, gap + c * step : gap + c * step + cell] = ARC_RGB[grid[r, c]]
    return image


def png_bytes(grid: np.ndarray, cell: int = 20, gap: int = 1) -> bytes:
    """An RGB PNG of one grid."""
    return _png(_image(grid, cell, gap))


def _png(image: np.ndarray) -> bytes:
    raw = b"".join(b"\x00" + row.tobytes() for row in image)  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", image.shape[1], image.shape[0], 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b"")
    )


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
        image[: grid.shape[0] * step + gap, left : left + width] = _image(grid, cell, gap)
        left += width + spacing * step
    return _png(image)


def write_png(grid: np.ndarray, path: Path) -> None:
    atomic_write(path, lambda fh: fh.write(png_bytes(grid)))
