"""Independent reference answers for the containment families: plain Python over lists.

Objects come from a breadth-first search of our own (the plugin's tests run on their own,
so nothing is borrowed from arc-priors' test folder), and "inside" from a second search
that starts at the border and floods through 4-neighbours, never entering the outline's
cells: an object is inside the outline when the flood reaches none of its cells. The
prior does it the other way round (scipy labelling, bounding boxes to prune candidates).
"""

from __future__ import annotations

from collections import Counter, deque

FOUR = ((-1, 0), (1, 0), (0, -1), (0, 1))
EIGHT = FOUR + ((-1, -1), (-1, 1), (1, -1), (1, 1))


def background_of(grid: list[list[int]], spec) -> int | None:
    if spec == "most_common":
        counts = Counter(v for row in grid for v in row)
        best = max(counts.values())
        return min(c for c, n in counts.items() if n == best)
    return spec


def bfs_objects(grid, connectivity: int, univalued: bool, bg) -> list[list[tuple[int, int]]]:
    """Objects as cell lists, in order of their first cell in row-major order."""
    rows, cols = len(grid), len(grid[0])
    steps = EIGHT if connectivity == 8 else FOUR
    seen: set[tuple[int, int]] = set()
    objects = []
    for r in range(rows):
        for c in range(cols):
            if (r, c) in seen or grid[r][c] == bg:
                continue
            seen.add((r, c))
            queue, cells = deque([(r, c)]), []
            while queue:
                y, x = queue.popleft()
                cells.append((y, x))
                for dy, dx in steps:
                    ny, nx = y + dy, x + dx
                    if not (0 <= ny < rows and 0 <= nx < cols) or (ny, nx) in seen or grid[ny][nx] == bg:
                        continue
                    if univalued and grid[ny][nx] != grid[y][x]:
                        continue
                    seen.add((ny, nx))
                    queue.append((ny, nx))
            objects.append(sorted(cells))
    return objects


class ContainmentReference:
    """The three families' answers from first principles. None: the question must not be asked."""

    def __init__(self, grid, connectivity=8, univalued=True, background="most_common"):
        self.grid = [list(map(int, row)) for row in grid]
        self.rows, self.cols = len(self.grid), len(self.grid[0])
        self.bg = background_of(self.grid, background)
        self.objects = bfs_objects(self.grid, connectivity, univalued, self.bg)
        self._outside: dict[int, set] = {}

    def colors_of(self, obj) -> set[int]:
        return {self.grid[r][c] for r, c in obj}

    def outside_of(self, wall: int) -> set[tuple[int, int]]:
        """Cells that a 4-neighbour flood from the border reaches without entering object `wall`."""
        if wall not in self._outside:
            blocked = set(self.objects[wall])
            start = [
                (r, c)
                for r in range(self.rows)
                for c in range(self.cols)
                if (r in (0, self.rows - 1) or c in (0, self.cols - 1)) and (r, c) not in blocked
            ]
            reached, queue = set(start), deque(start)
            while queue:
                y, x = queue.popleft()
                for dy, dx in FOUR:
                    cell = (y + dy, x + dx)
                    if (
                        0 <= cell[0] < self.rows
                        and 0 <= cell[1] < self.cols
                        and cell not in blocked
                        and cell not in reached
                    ):
                        reached.add(cell)
                        queue.append(cell)
            self._outside[wall] = reached
        return self._outside[wall]

    def inside(self, obj: int, wall: int) -> bool:
        reached = self.outside_of(wall)
        return obj != wall and not any(cell in reached for cell in self.objects[obj])

    def the_object(self, color: int) -> int | None:
        """The one object with this colour, if exactly one has it and it has no other."""
        holders = [i for i, o in enumerate(self.objects) if color in self.colors_of(o)]
        if len(holders) != 1 or self.colors_of(self.objects[holders[0]]) != {color}:
            return None
        return holders[0]

    def leaves_room(self, i: int) -> bool:
        """Some cell strictly between the object's extreme rows and columns is not its own."""
        cells = set(self.objects[i])
        top, bottom = min(r for r, _ in cells), max(r for r, _ in cells)
        left, right = min(c for _, c in cells), max(c for _, c in cells)
        return any((r, c) not in cells for r in range(top + 1, bottom) for c in range(left + 1, right))

    def inside_count(self, color):
        wall = self.the_object(color)
        if wall is None or not self.leaves_room(wall):
            return None
        return str(sum(self.inside(i, wall) for i in range(len(self.objects))))

    def is_inside(self, color):
        obj = self.the_object(color)
        if obj is None:
            return None
        return "yes" if any(self.inside(obj, w) for w in range(len(self.objects))) else "no"

    def enclosing_color(self, color):
        obj = self.the_object(color)
        if obj is None:
            return None
        walls = [w for w in range(len(self.objects)) if self.inside(obj, w)]
        if len(walls) != 1 or len(self.colors_of(self.objects[walls[0]])) != 1:
            return None
        return str(self.colors_of(self.objects[walls[0]]).pop())

    def answer(self, family: str, params: dict) -> str | None:
        return getattr(self, family.split(".", 1)[1])(**params)

    # --- worked answers: each object named by its colour and first cell, "3 at 0,2" ----------

    def at(self, i: int) -> str:
        counts = Counter(self.grid[r][c] for r, c in self.objects[i])
        color = min(c for c, n in counts.items() if n == max(counts.values()))
        r, c = self.objects[i][0]
        return f"{color} at {r},{c}"

    def steps(self, family: str, params: dict) -> list[str]:
        """inside_count lists the objects inside the outline; is_inside and enclosing_color the
        outlines around the object; each in reading order of first cells."""
        n = len(self.objects)
        if family == "containment.inside_count":
            wall = self.the_object(params["color"])
            return [self.at(i) for i in range(n) if self.inside(i, wall)]
        obj = self.the_object(params["color"])
        return [self.at(w) for w in range(n) if self.inside(obj, w)]
