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
    steps = [
        (dy, dx)
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if (dy, dx) != (0, 0) and (connectivity == 8 or 0 in (dy, dx))
    ]
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
            domain = (
                [{"color": c} for c in range(10) if c != self.bg] if family == "symmetry.object_left_right" else [{}]
            )
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


# --- worked answers ---------------------------------------------------------------------------
# A whole-grid family shows, when the grid is not symmetric, the first cell in reading order
# that the transform changes and the cell whose colour it brings there ("0,1 vs 0,4"). The
# images are built with list operations, of the colours and of the cells' own coordinates.


def _turn(rows):
    """numpy's rot90 (a quarter turn anticlockwise): the transpose read from the bottom up."""
    return [list(col) for col in zip(*rows)][::-1]


IMAGES = {
    "symmetry.left_right": lambda m: [row[::-1] for row in m],
    "symmetry.top_bottom": lambda m: m[::-1],
    "symmetry.diagonal": lambda m: [list(col) for col in zip(*m)],
    "symmetry.anti_diagonal": lambda m: [list(col) for col in zip(*[row[::-1] for row in m[::-1]])],
    "symmetry.rotation_180": lambda m: [row[::-1] for row in m[::-1]],
    "symmetry.rotation_90": _turn,
}


def _pair(a, b) -> str:
    return f"{a[0]},{a[1]} vs {b[0]},{b[1]}"


def _witness(ref: Reference, family: str) -> list[str]:
    image = IMAGES[family]
    moved = image(ref.rows)
    sources = image([[(r, c) for c in range(len(row))] for r, row in enumerate(ref.rows)])
    for r, row in enumerate(ref.rows):
        for c, value in enumerate(row):
            if moved[r][c] != value:
                return [_pair((r, c), sources[r][c])]
    return []


def _breaking_steps(ref: Reference) -> list[str]:
    w = len(ref.rows[0])
    return [
        _pair((r, c), (r, w - 1 - c))
        for r, row in enumerate(ref.rows)
        for c in range(w // 2)
        if row[c] != row[w - 1 - c]
    ]


def _object_steps(ref: Reference, color: int) -> list[str]:
    cells = next(o for o in ref.objects if any(ref.rows[r][c] == color for r, c in o))
    first = min(cells)
    rows, cols = [r for r, _ in cells], [c for _, c in cells]
    left, right = min(cols), max(cols)
    found = [f"{color} at {first[0]},{first[1]}"]
    for r in range(min(rows), max(rows) + 1):
        for c in range(left, right + 1):
            if ((r, c) in cells) != ((r, left + right - c) in cells):
                return found + [_pair((r, c), (r, left + right - c))]
    return found


def steps(ref: Reference, family: str, params: dict) -> list[str] | None:
    """The reference steps of a family's worked answer; None for a family that shows none."""
    if family in IMAGES:
        return _witness(ref, family)
    if family == "symmetry.breaking_cells":
        return _breaking_steps(ref)
    if family == "symmetry.object_left_right":
        return _object_steps(ref, **params)
    return None
