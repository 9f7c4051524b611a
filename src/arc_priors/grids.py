"""Reading the user's grid files: one grid, a list of grids, or an ARC task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from priors import GridError, as_grid


def load_grids(path: Path) -> Iterator[tuple[str, object]]:
    """(label, validated grid) pairs; labels say where each grid sits in the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise GridError(f"{path} is not valid JSON: {err}") from None
    except RecursionError:
        raise GridError(f"{path} nests lists far too deeply to hold grids (a grid is a list of rows)") from None
    if isinstance(data, dict):
        yield from _task_grids(data, path)
    elif _is_list_of_grids(data):
        for i, grid in enumerate(data):
            yield f"grids[{i}]", _valid(grid, f"{path} grids[{i}]")
    else:
        yield path.name, _valid(data, str(path))


def grid_pairs(labelled: list[tuple[str, object]]) -> list[tuple[tuple[str, object], tuple[str, object]]]:
    """The pairs that questions comparing two grids are asked about: each task pair's input
    and output (what changed is the point of a task), or else consecutive grids of a list."""
    by_label = dict(labelled)
    if any(label.endswith(".input") for label, _ in labelled):
        return [
            ((label, grid), (out, by_label[out]))
            for label, grid in labelled
            if label.endswith(".input") and (out := label[: -len("input")] + "output") in by_label
        ]
    return list(zip(labelled, labelled[1:]))


def _is_list_of_grids(data) -> bool:
    """A list whose items are lists of lists: one level deeper than a grid."""
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(g, list) and g and isinstance(g[0], list) for g in data)
    )


def _task_grids(task: dict, path: Path) -> Iterator[tuple[str, object]]:
    found = False
    for split in ("train", "test"):
        pairs = task.get(split, [])
        if not isinstance(pairs, list):
            raise GridError(f"{path}: '{split}' should be a list of input/output pairs, got {type(pairs).__name__}")
        for i, pair in enumerate(pairs):
            for side in ("input", "output"):
                if isinstance(pair, dict) and side in pair:
                    found = True
                    yield f"{split}[{i}].{side}", _valid(pair[side], f"{path} {split}[{i}].{side}")
    if not found:
        raise GridError(f"{path} is a JSON object but not an ARC task (no train/test input/output grids)")


def _valid(grid, where: str):
    try:
        return as_grid(grid)
    except GridError as err:
        raise type(err)(f"{where}: {err}") from None
