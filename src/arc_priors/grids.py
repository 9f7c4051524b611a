"""Reading the user's grid files: a bare grid, a list of grids, or an ARC task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from priors import GridError, as_grid


def load_grids(path: Path) -> Iterator[tuple[str, object]]:
    """(label, validated grid) pairs; labels say where in an ARC task each grid sits."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise GridError(f"{path} is not valid JSON: {err}") from None
    if isinstance(data, dict):
        found = False
        for split in ("train", "test"):
            for i, pair in enumerate(data.get(split, [])):
                for side in ("input", "output"):
                    if isinstance(pair, dict) and side in pair:
                        found = True
                        yield f"{split}[{i}].{side}", _valid(pair[side], f"{path} {split}[{i}].{side}")
        if not found:
            raise GridError(f"{path} is a JSON object but not an ARC task (no train/test input/output grids)")
        return
    yield path.name, _valid(data, str(path))


def _valid(grid, where: str):
    try:
        return as_grid(grid)
    except GridError as err:
        raise type(err)(f"{where}: {err}") from None
