"""Reference answers of the symmetry prior, written another way: plain lists, reversed rows,
zip(*rows) for the transpose, explicit index arithmetic for mirror pairs, and a breadth-first
search for objects. Nothing here imports the plugin; the bound of 4 differing pairs and the
six names are copied from the spec, not from the code.
"""

from __future__ import annotations

from collections import Counter, deque

NAMES = ("left-right", "top-bottom", "diagonal", "anti-diagonal", "rotation 180", "rotation 90")
MOST_BREAKING = 4


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def is_square(rows) -> bool:
    return len(rows) == len(rows[0])


def holds(rows) -> dict[str, bool]:
    """Each of the six symmetries, by its name in the answers."""
    h, w = len(rows), len(rows[0])
    square = h == w
    return {
        "left-right": all(row == row[::-1] for row in rows),
        "top-bottom": rows == rows[::-1],
        "diagonal": square and [list(col) for col in zip(*rows)] == rows,
        "anti-diagonal": square and all(rows[i][j] == rows[h - 1 - j][h - 1 - i] for i in range(h) for j in range(h)),
        "rotation 180": all(rows[i][j] == rows[h - 1 - i][w - 1 - j] for i in range(h) for j in range(w)),
        # A quarter turn (either way) moves cell (i, j) to (j, h - 1 - i).
        "rotation 90": square and all(rows[i][j] == rows[j][h - 1 - i] for i in range(h) for j in range(h)),
    }


def differing_pairs(rows) -> int:
    w = len(rows[0])
    return sum(1 for row in rows for c in range(w // 2) if row[c] != row[w - 1 - c])


def background_of(rows, spec):
    if spec == "most_common":
        counts = Counter(v for row in rows for v in row)
        return min(c for c, n in counts.items() if n == max(counts.values()))
    return spec


def objects(rows, connectivity, univalued, background) -> list[set[tuple[int, int]]]:
    bg = background_of(rows, background)
    h, w = len(rows), len(rows[0])
    steps = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0) and (connectivity == 8 or 0 in (dy, dx))]
    seen, found = set(), []
    for r in range(h):
        for c in range(w):
            if (r, c) in seen or rows[r][c] == bg:
                continue
            seen.add((r, c))
            queue, cells = deque([(r, c)]), set()
            while queue:
                y, x = queue.popleft()
                cells.add((y, x))
                for dy, dx in steps:
                    ny, nx = y + dy, x + dx
                    if 0 <= ny < h and 0 <= nx < w and (ny, nx) not in seen and rows[ny][nx] != bg:
                        if not univalued or rows[ny][nx] == rows[y][x]:
                            seen.add((ny, nx))
                            queue.append((ny, nx))
            found.append(cells)
    return found


class Reference:
    """Every family's answer about one grid under one set of conventions; None = not asked."""

    def __init__(self, grid, connectivity=8, univalued=True, background="most_common"):
        self.rows = [list(map(int, row)) for row in grid]
        self.bg = background_of(self.rows, background)
        self.objects = objects(self.rows, connectivity, univalued, background)

    def questions(self) -> dict[tuple[str, tuple], str]:
        """(family, sorted params) -> answer, for every question that is well-posed."""
        found = {}
        for family in ANSWERS:
            domain = [{"color": c} for c in range(10) if c != self.bg] if family == "symmetry.object_left_right" else [{}]
            for params in domain:
                answer = ANSWERS[family](self, **params)
                if answer is not None:
                    found[(family, tuple(sorted(params.items())))] = answer
        return found


def _whole(name: str, square_only: bool):
    def answer(ref: Reference) -> str | None:
        if square_only and not is_square(ref.rows):
            return None
        return _yes_no(holds(ref.rows)[name])

    return answer


def _axes(ref: Reference) -> str:
    found = holds(ref.rows)
    return ", ".join(n for n in NAMES if found[n]) or "none"


def _breaking(ref: Reference) -> str | None:
    n = differing_pairs(ref.rows)
    return str(n) if n <= MOST_BREAKING else None


def _object(ref: Reference, color: int) -> str | None:
    having = [o for o in ref.objects if any(ref.rows[r][c] == color for r, c in o)]
    if len(having) != 1 or any(ref.rows[r][c] != color for r, c in having[0]):
        return None
    cells = having[0]
    left = min(c for _, c in cells)
    right = max(c for _, c in cells)
    return _yes_no(all((r, left + right - c) in cells for r, c in cells))


ANSWERS = {
    "symmetry.left_right": _whole("left-right", False),
    "symmetry.top_bottom": _whole("top-bottom", False),
    "symmetry.diagonal": _whole("diagonal", True),
    "symmetry.anti_diagonal": _whole("anti-diagonal", True),
    "symmetry.rotation_180": _whole("rotation 180", False),
    "symmetry.rotation_90": _whole("rotation 90", True),
    "symmetry.axes": _axes,
    "symmetry.breaking_cells": _breaking,
    "symmetry.object_left_right": _object,
}
