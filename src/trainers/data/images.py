"""Grids as images: their pixels and PNG bytes, and chats whose grids are shown as images
(`--grid-format image|both`) in the conversational vision format of TRL, Qwen2-VL,
SmolVLM and LLaVA processors.

A chat is made as text first, and its image form is derived from it here, in one place:
the grid text of a user turn becomes an `{"type": "image"}` part (or the text and the image
side by side), and the record gains an `images` column of PNGs in the order of their parts.
So an image record holds the same grids, questions and answers as the text record of its
seed and index, and nothing that makes chats needs to know about pixels.

The pixels follow the ARC interface: its ten colours, every cell a square of `CELL` pixels,
grey lines `LINE` pixels wide between cells and around the grid, no anti-aliasing. A
processor that resizes the image still finds a cell boundary in every line of grey.
Only numpy and zlib: the PNGs need no imaging library to be written.
"""

from __future__ import annotations

import struct
import zlib
from typing import Callable, Mapping, Sequence

import numpy as np

from trainers.data.schema import image, part

GRID_FORMATS = ("text", "image", "both")
"""How a chat shows its grids: as text (the encoder's), as images in place of the text, or both."""

CELL = 16
"""Pixels a side of one cell: a 30x30 ARC grid is 511 pixels square, within what vision
processors take without tiling, and a 3x3 grid is still 52."""
LINE = 1
"""Pixels of grey between cells: thin, so cells keep most of the area, and one pixel of a
colour no ARC cell has (0x55 grey), so a boundary is never mistaken for a cell."""
LINE_RGB = (0x55, 0x55, 0x55)
PNG_LEVEL = 6
"""zlib level of dataset images: level 9 took 2.6 times as long for files 1% smaller, level 1
half as long for files twice as large (docs/performance.md, "Images")."""

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


def grid_pixels(grid: np.ndarray, cell: int = CELL, line: int = LINE) -> np.ndarray:
    """RGB pixels (height, width, 3) of a grid: each cell `cell` pixels square in its ARC
    colour, with `line` pixels of grey between cells and around the grid."""
    grid = np.asarray(grid)
    h, w = grid.shape
    rows, cols = _cell_of(h, cell, line), _cell_of(w, cell, line)
    strips = np.full((h + 1, cols.size), GREY, dtype=np.intp)  # one pixel row a grid row, then a line's
    strips[:h] = np.where(cols >= 0, grid[:, cols], GREY)
    return PALETTE[strips][rows]  # a line's pixel rows read index -1: the grey strip


GREY = len(ARC_RGB)
PALETTE = np.vstack([ARC_RGB, np.array([LINE_RGB], dtype=np.uint8)])
"""The ARC colours, then the lines' grey at index GREY."""


def _cell_of(n: int, cell: int, line: int) -> np.ndarray:
    """For each of the n * (cell + line) + line pixels along a side, its cell, or -1 on a line."""
    step = cell + line
    at = np.arange(n * step + line) - line
    return np.where(at % step < cell, at // step, -1) if line else at // step


def png(pixels: np.ndarray, level: int = PNG_LEVEL) -> bytes:
    """An 8-bit RGB PNG of `pixels` (height, width, 3), unfiltered, compressed at `level`."""
    height, width = pixels.shape[:2]
    raw = np.zeros((height, 1 + width * 3), dtype=np.uint8)  # a filter byte (0: none) a scanline
    raw[:, 1:] = pixels.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def grid_png(grid: np.ndarray) -> bytes:
    """A grid's image as a dataset holds it."""
    return png(grid_pixels(grid))


# --- chats with images -----------------------------------------------------------------------


def text_part(text: str) -> dict:
    return part("text", text)


IMAGE_PART = part("image", None)
"""An image's place in a turn. `text: None` keeps one struct for every part, so a parquet
column of parts has one type (the `datasets` loader fills missing keys with None anyway)."""


def grid_spans(content: str, grid_texts: Sequence[str]) -> list[tuple[int, int, int]]:
    """(start, end, grid) of each grid text in a turn, in order: each found after the one
    before, as whole lines (so a 1x1 grid "3" is never found inside "color 3")."""
    spans, at = [], 0
    for g, text in enumerate(grid_texts):
        found = content.find(text, at)
        while found >= 0 and not _whole_lines(content, found, found + len(text)):
            found = content.find(text, found + 1)
        if found >= 0 and text:
            spans.append((found, found + len(text), g))
            at = found + len(text)
    return spans


def _whole_lines(content: str, start: int, end: int) -> bool:
    return (start == 0 or content[start - 1] == "\n") and (end == len(content) or content[end] == "\n")


def vision_turn(content: str, spans: Sequence[tuple[int, int, int]], grid_format: str) -> list[dict]:
    """A turn's text as content parts: each grid span an image in place of its text (`image`),
    or its text and then its image (`both`)."""
    parts: list[dict] = []
    at = 0
    for start, end, _ in spans:
        before = content[at:start] + (content[start:end] + "\n" if grid_format == "both" else "")
        if before:
            parts.append(text_part(before))
        parts.append(dict(IMAGE_PART))
        at = end + (grid_format == "image" and content[end : end + 1] == "\n")  # the grid's own line break goes with it
    if at < len(content) or not parts:
        parts.append(text_part(content[at:]))
    return parts


def as_parts(messages: Sequence[Mapping]) -> list[dict]:
    """Turns whose content is text, as content parts (a chat of text for a vision-language model)."""
    return [
        {"role": m["role"], "content": [text_part(m["content"])] if isinstance(m["content"], str) else m["content"]}
        for m in messages
    ]


def vision_messages(
    messages: Sequence[Mapping], grid_texts: Sequence[str], grid_format: str
) -> tuple[list[dict], list[int]]:
    """Every turn as content parts (`as_parts`), the grids of the first user turn (where a chat
    shows them) as images; and the grids' indices in the order their images stand."""
    out = as_parts(messages)
    first = next((i for i, m in enumerate(messages) if m["role"] == "user"), None)
    if first is None:
        return out, []
    spans = grid_spans(messages[first]["content"], grid_texts)
    out[first] = {"role": "user", "content": vision_turn(messages[first]["content"], spans, grid_format)}
    return out, [g for _, _, g in spans]


def vision_record(record: dict, grid_format: str, encode: Callable[[np.ndarray], str] | None = None) -> dict:
    """The record with its grids shown as images (`grid_format` image or both): content parts
    in every turn and an `images` column of `{"bytes": PNG, "path": None}`, the datasets Image
    feature's own form; the record itself under `text`. `encode` is the encoder that wrote its
    grid texts (default: the one its conventions name)."""
    if grid_format == "text":
        return record
    messages, pngs = _shown(record["messages"], record, grid_format, encode)
    return {**record, "messages": messages, "images": [image(p) for p in pngs]}


def vision_prompt(messages: list, record: Mapping, grid_format: str) -> list:
    """A prompt made from `record`'s text (evaluation's), its grids shown as `grid_format` asks,
    each image part carrying its PNG (`{"type": "image", "image": bytes}`), as processors'
    chat templates take images inline."""
    if grid_format == "text":
        return messages
    shown, pngs = _shown(messages, record, grid_format)
    images = iter(pngs)
    for m in shown:
        m["content"] = [{**p, "image": next(images)} if p["type"] == "image" else p for p in m["content"]]
    return shown


def _shown(messages, record: Mapping, grid_format: str, encode=None) -> tuple[list[dict], list[bytes]]:
    if encode is None:
        from priors.encoders import get_encoder

        encode = get_encoder(record["metadata"]["conventions"]["encoder"]).encode
    grids = [np.array(g, dtype=np.uint8) for g in record["metadata"]["grids"]]
    shown, order = vision_messages(messages, [encode(g) for g in grids], grid_format)
    return shown, [grid_png(grids[g]) for g in order]


def image_bytes(image) -> bytes:
    """PNG bytes of an image as records or datasets hold it: {"bytes": ...}, raw bytes, or a
    PIL image."""
    if isinstance(image, Mapping):
        image = image.get("bytes")
    if isinstance(image, (bytes, bytearray)):
        return bytes(image)
    import io

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
