"""Reference answers of the shapes prior: each kind is recognised by building the cell set
that kind would have inside the object's bounding box and comparing, over the BFS objects
of tests/reference.py; nothing is shared with priors.kinds."""

from __future__ import annotations

LINE_KINDS = ("horizontal line", "vertical line", "diagonal line")


def shape_kind(cells) -> str:
    cells = set(cells)
    rows = [r for r, _ in cells]
    cols = [c for _, c in cells]
    top, bottom, left, right = min(rows), max(rows), min(cols), max(cols)
    height, width = bottom - top + 1, right - left + 1
    box = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
    border = {(r, c) for r, c in box if r in (top, bottom) or c in (left, right)}
    main = {(top + i, left + i) for i in range(height)}
    anti = {(top + i, right - i) for i in range(height)}
    if len(cells) == 1:
        return "cell"
    if height == 1 and cells == box:
        return "horizontal line"
    if width == 1 and cells == box:
        return "vertical line"
    if height == width and cells in (main, anti):
        return "diagonal line"
    if cells == box:
        return "square" if height == width else "rectangle"
    if height >= 3 and width >= 3 and cells == border:
        return "hollow rectangle"
    return "other"


def the_object_of(ref, color):
    """The one object holding `color`, if it is the only one and holds nothing else."""
    holders = [o for o in ref.objects if color in ref.colors_of(o)]
    if len(holders) == 1 and ref.colors_of(holders[0]) == {color}:
        return holders[0]
    return None


def shapes_kind(ref, color):
    obj = the_object_of(ref, color)
    return None if obj is None else shape_kind(obj)


def shapes_count(ref, kind):
    return str(sum(1 for o in ref.objects if shape_kind(o) == kind))


def shapes_longest_line(ref):
    lengths = [len(o) for o in ref.objects if shape_kind(o) in LINE_KINDS]
    return str(max(lengths)) if lengths else None


ANSWERS = {
    "shapes.kind": shapes_kind,
    "shapes.count": shapes_count,
    "shapes.longest_line": shapes_longest_line,
}
