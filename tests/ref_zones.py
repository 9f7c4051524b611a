"""Reference answers of the zones prior: plain loops over the rows and columns of the grid,
written from the spec (full lines of a colour, the runs of rows and columns between them),
sharing no code with priors.builtin.zones."""

from __future__ import annotations


def _is_line(cells, color) -> bool:
    return all(v == color for v in cells)


def _runs(lines: list[bool]) -> list[list[int]]:
    """Maximal runs of consecutive indices that are not lines."""
    runs: list[list[int]] = []
    previous_was_line = True
    for i, is_line in enumerate(lines):
        if is_line:
            previous_was_line = True
            continue
        if previous_was_line:
            runs.append([])
        runs[-1].append(i)
        previous_was_line = False
    return runs


def _table(ref, color):
    """The zones of `color` as rows of zones, each zone the list of its cell values; None
    when the colour is the background, has no full line, or its lines make fewer than 2 zones."""
    if color == ref.bg:
        return None
    grid = ref.grid
    row_lines = [_is_line(row, color) for row in grid]
    col_lines = [_is_line([row[j] for row in grid], color) for j in range(len(grid[0]))]
    if not any(row_lines) and not any(col_lines):
        return None
    table = [[[grid[r][c] for r in rows for c in cols] for cols in _runs(col_lines)] for rows in _runs(row_lines)]
    if sum(len(zone_row) for zone_row in table) < 2:
        return None
    return table


def count(ref, color):
    table = _table(ref, color)
    return None if table is None else str(len(table) * len(table[0]))


def layout(ref, color):
    table = _table(ref, color)
    return None if table is None else f"{len(table)} x {len(table[0])}"


def empty(ref, color):
    table = _table(ref, color)
    if table is None or ref.bg is None:
        return None
    return str(sum(1 for zone_row in table for zone in zone_row if all(v == ref.bg for v in zone)))


def most(ref, color, target):
    table = _table(ref, color)
    if table is None or target == ref.bg:
        return None
    held = {(i + 1, j + 1): zone.count(target) for i, zone_row in enumerate(table) for j, zone in enumerate(zone_row)}
    best = max(held.values())
    winners = [place for place, n in held.items() if n == best]
    if best == 0 or len(winners) > 1:
        return None
    return "{}, {}".format(*winners[0])


ANSWERS = {"zones.count": count, "zones.layout": layout, "zones.empty": empty, "zones.most": most}
