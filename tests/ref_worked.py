"""Reference worked answers of the built-in priors: every step list written again from the
trace formats of docs/conventions.md, over the BFS objects of reference.py and plain lists
of the grid's rows, sharing no code with `priors` (beyond what reference.py and the other
ref_*.py modules share).

`steps(family, ref, params)` is the list of lines before the bare answer; compare's
families take a list of two references and the grids' names.
"""

from __future__ import annotations

from collections import Counter

import ref_zones
from ref_shapes import LINE_KINDS, shape_kind, the_object_of
from reference import Reference

ANSWERS: dict = {}  # reference._extra_answers reads every ref_*.py; the answers are elsewhere


class WorkedReference(Reference):
    """A Reference that keeps its background rule: colors.background shows its work only
    when the background is the most common colour."""

    def __init__(self, grid, connectivity=8, univalued=True, background="most_common"):
        super().__init__(grid, connectivity, univalued, background)
        self.spec = background


def object_color(ref, obj) -> int:
    counts = Counter(ref.grid[r][c] for r, c in obj)
    best = max(counts.values())
    return min(c for c, n in counts.items() if n == best)


def at(ref, obj) -> str:
    r, c = min(obj)
    return f"{object_color(ref, obj)} at {r},{c}"


def sized(ref, obj) -> str:
    return f"{at(ref, obj)}: {len(obj)}"


def _holding(ref, color) -> int:
    return sum(1 for o in ref.objects if color in ref.colors_of(o))


def _foreground(ref) -> list[int]:
    return sorted(c for c in ref.cells if c != ref.bg)


# --- counting and area ------------------------------------------------------------------------


GLYPHS = "." + "123456789" + "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def counting_objects(ref):
    """A line a row: each cell's object number in order of first cells (`.` for none); no
    lines past 61 objects."""
    if len(ref.objects) > 61:
        return []
    number = {cell: GLYPHS[k] for k, obj in enumerate(ref.objects, 1) for cell in obj}
    return ["".join(number.get((r, c), ".") for c in range(len(row))) for r, row in enumerate(ref.grid)]


def counting_color(ref, color):
    return [at(ref, o) for o in ref.objects if color in ref.colors_of(o)]


def counting_most_objects_color(ref):
    return [f"{c}: {_holding(ref, c)}" for c in range(10) if c != ref.bg and _holding(ref, c)]


def counting_same_count(ref, a, b):
    return [f"{a}: {_holding(ref, a)}", f"{b}: {_holding(ref, b)}"]


def area_all(ref):
    return [sized(ref, o) for o in ref.objects]


def area_same_size(ref, color):
    named = the_object_of(ref, color)
    return [sized(ref, named)] + [sized(ref, o) for o in ref.objects if o is not named and len(o) == len(named)]


# --- colors ----------------------------------------------------------------------------------


def colors_cells(ref, color):
    return [f"row {r}: {row.count(color)}" for r, row in enumerate(ref.grid) if color in row]


def colors_background(ref):
    return [f"{c}: {ref.cells[c]}" for c in sorted(ref.cells)] if ref.spec == "most_common" else []


def colors_extreme(ref):
    return [f"{c}: {ref.cells[c]}" for c in _foreground(ref)]


def colors_distinct(ref):
    return [f"color {c}" for c in _foreground(ref)]


# --- shapes ----------------------------------------------------------------------------------


def shapes_kind(ref, color):
    obj = the_object_of(ref, color)
    rows, cols = [r for r, _ in obj], [c for _, c in obj]
    return [sized(ref, obj), f"box {max(rows) - min(rows) + 1}x{max(cols) - min(cols) + 1}"]


def shapes_count(ref, kind):
    return [at(ref, o) for o in ref.objects if shape_kind(o) == kind]


def shapes_longest_line(ref):
    return [sized(ref, o) for o in ref.objects if shape_kind(o) in LINE_KINDS]


# --- zones -----------------------------------------------------------------------------------


def _lines(ref, color):
    rows = [f"row {r}" for r, row in enumerate(ref.grid) if all(v == color for v in row)]
    return rows + [f"col {c}" for c in range(len(ref.grid[0])) if all(row[c] == color for row in ref.grid)]


def _zones(ref, color):
    """(row, column) from 1 -> the zone's cell values."""
    table = ref_zones._table(ref, color)
    return {(i + 1, j + 1): zone for i, zone_row in enumerate(table) for j, zone in enumerate(zone_row)}


def zones_count(ref, color):
    return _lines(ref, color) + [ref_zones.layout(ref, color)]


def zones_empty(ref, color):
    return [f"zone {i},{j}" for (i, j), zone in _zones(ref, color).items() if all(v == ref.bg for v in zone)]


def zones_most(ref, color, target):
    return [f"zone {i},{j}: {zone.count(target)}" for (i, j), zone in _zones(ref, color).items() if target in zone]


STEPS = {
    "counting.objects": counting_objects,
    "counting.color": counting_color,
    "counting.most_objects_color": counting_most_objects_color,
    "counting.same_count": counting_same_count,
    **{f"area.{f}": area_all for f in ("sorted", "max", "min", "max_color", "min_color")},
    "area.same_size": area_same_size,
    "colors.cells": colors_cells,
    "colors.background": colors_background,
    "colors.most": colors_extreme,
    "colors.least": colors_extreme,
    "colors.distinct": colors_distinct,
    "shapes.kind": shapes_kind,
    "shapes.count": shapes_count,
    "shapes.longest_line": shapes_longest_line,
    "zones.count": zones_count,
    "zones.layout": _lines,
    "zones.empty": zones_empty,
    "zones.most": zones_most,
}
"""Family id -> function(reference, **params) -> the steps, for families about one grid."""

NO_STEPS = frozenset({"objects.describe", "symmetry.axes"})
"""Families that show no work (docs/conventions.md says why)."""


# --- compare: two grids ------------------------------------------------------------------------


def _colors(ref) -> str:
    return ", ".join(str(c) for c in sorted({v for row in ref.grid for v in row}))


def compare_steps(family: str, refs, names) -> list[str]:
    pairs = list(zip(names, refs))
    if family == "compare.more_objects":
        return [f"{name}: {len(ref.objects)}" for name, ref in pairs]
    if family in ("compare.more_colors", "compare.same_colors"):
        return [f"{name}: {_colors(ref)}" for name, ref in pairs]
    if family == "compare.same_size":
        return [f"{name}: {len(ref.grid)}x{len(ref.grid[0])}" for name, ref in pairs]
    if family == "compare.changed_cells":
        a, b = refs
        changed = [sum(x != y for x, y in zip(ra, rb)) for ra, rb in zip(a.grid, b.grid)]
        return [f"row {r}: {n}" for r, n in enumerate(changed) if n]
    raise KeyError(family)


def steps(family: str, refs, names, params: dict) -> list[str]:
    """The reference steps of a question about one grid (refs of length 1) or comparing two."""
    if len(refs) == 1:
        return STEPS[family](refs[0], **params)
    return compare_steps(family, refs, names)
