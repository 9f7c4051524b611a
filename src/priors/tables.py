"""Object tables of a chunk of grids, and answer rules written once over them.

A family's answer is a function of a chunk's tables: for every grid at once, whether the
question is well-posed and its answer as a number. Dataset generation asks it of thousands
of grids in a few numpy calls; one scene is a chunk of one (`Scene.tables`), so the answer
a family gives about a single grid comes from the same code, never from a twin of it.

Write a rule with `table_rule`; its parameters arrive as arrays, one value per grid, and
a parameter space gives its chunk choice with `choose_chunk` (`chosen_for_one` derives its
one-scene `choose` from that). The fast path asks families whose answer is a `TableRule`
and whose parameters choose by chunk; every other family is asked one scene at a time.
"""

from __future__ import annotations

import functools
import re
from typing import Callable, Mapping, Union

import attrs
import numpy as np

from priors.cells import SOURCES, TURNS_SHAPE, Cells
from priors.object_kinds import OBJECT_KINDS, kind_codes  # noqa: F401  (their address before object_kinds)

COLORS = 10
NO_BACKGROUND = -1
"""`Tables.background` of a grid parsed with background=None."""


class Tables:
    """Per-grid and per-object arrays of a chunk of parsed grids, each computed on first use.

    Grid g's objects are rows first[g]:first[g + 1] of `cells_by_color` (cells of each colour
    0-9 in each object), in the order `parse` gives them."""

    def __init__(
        self,
        background: np.ndarray,
        color_counts: np.ndarray,
        first: np.ndarray,
        cells_by_color: np.ndarray,
        grids: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
        object_cells: Callable[[], tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
    ):
        self.n = len(background)
        self.background = background
        self.color_counts = color_counts
        self.first = first
        self.cells_by_color = cells_by_color
        self._grids = grids
        self._object_cells = object_cells
        self._kinds: Callable[[], np.ndarray] | None = None
        self._differing: dict[str, np.ndarray] = {}
        self._unchanged: dict[str, np.ndarray] = {}

    @classmethod
    def of_parsed(cls, parsed) -> "Tables":
        """The tables of a chunk parsed together (`priors.batch.Parsed`)."""
        return cls(
            parsed.backgrounds,
            parsed.color_counts,
            parsed.first,
            parsed.cells_by_color,
            parsed.cells,
            parsed.object_cells,
        )

    @classmethod
    def of_scene(cls, scene, kinds: Callable[[], np.ndarray] | None = None) -> "Tables":
        """One scene as a chunk of one; `kinds`, where given, gives its objects' kinds (read
        from a chunk's tables, which work them out for all their grids at once)."""
        background = NO_BACKGROUND if scene.background is None else scene.background
        table = scene.cells_by_color
        h, w = scene.grid.shape
        grids = lambda: (scene.grid.ravel(), np.array([h]), np.array([w]))  # noqa: E731

        def object_cells():
            rows, cols = np.nonzero(scene.labels)
            return scene.labels[rows, cols].astype(np.int64) - 1, rows, cols

        tables = cls(
            np.array([background]),
            np.array([scene.color_counts]),
            np.array([0, len(table)]),
            table,
            grids,
            object_cells,
        )
        tables._kinds = kinds
        return tables

    @functools.cached_property
    def rows(self) -> np.ndarray:
        """0 .. n - 1: indexes one value per grid out of a per-grid-and-colour array."""
        return np.arange(self.n)

    @functools.cached_property
    def every(self) -> np.ndarray:
        """True for every grid: the `ok` of a question that is always well-posed."""
        return np.ones(self.n, dtype=bool)

    @functools.cached_property
    def objects(self) -> np.ndarray:
        return np.diff(self.first)

    @functools.cached_property
    def owner(self) -> np.ndarray:
        """The grid of each object."""
        return np.repeat(self.rows, self.objects)

    @functools.cached_property
    def areas(self) -> np.ndarray:
        return self.cells_by_color.sum(axis=1)

    @functools.cached_property
    def pure(self) -> np.ndarray:
        """Objects of one colour."""
        return self.cells_by_color.max(axis=1, initial=0) == self.areas

    @functools.cached_property
    def object_colors(self) -> np.ndarray:
        """Each object's most common colour, ties going to the lowest (`Scene.object_colors`)."""
        return self.cells_by_color.argmax(axis=1)

    @functools.cached_property
    def per_color(self) -> np.ndarray:
        """Objects containing each colour, per grid (`Scene.count_with_color`)."""
        present = (self.cells_by_color > 0).ravel()
        keys = (self.owner[:, None] * COLORS + np.arange(COLORS)).ravel()
        return np.bincount(keys[present], minlength=self.n * COLORS).reshape(self.n, COLORS)

    @functools.cached_property
    def not_background(self) -> np.ndarray:
        """Per grid and colour: the colour is not the grid's background."""
        return np.arange(COLORS)[None, :] != self.background[:, None]

    @functools.cached_property
    def foreground(self) -> np.ndarray:
        """Per grid and colour: cells of the colour exist, and it is not the background."""
        return (self.color_counts > 0) & self.not_background

    @functools.cached_property
    def foreground_colors(self) -> np.ndarray:
        """Per grid: how many colours have cells, the background left out."""
        return np.count_nonzero(self.foreground, axis=1)

    @functools.cached_property
    def absent(self) -> np.ndarray:
        """Per grid and colour: no cell has the colour, and it is not the background."""
        return (self.color_counts == 0) & self.not_background

    @functools.cached_property
    def colors_with_objects(self) -> np.ndarray:
        """Per grid and colour: some object holds the colour, and it is not the background."""
        return (self.per_color > 0) & self.not_background

    @functools.cached_property
    def sole(self) -> tuple[np.ndarray, np.ndarray]:
        """(named, index): per grid and colour, whether "the object of that colour" names one
        object (the only one holding the colour, and made of it alone), and that object."""
        index = np.zeros((self.n, COLORS), dtype=np.int64)
        rows, cols = np.nonzero(self.cells_by_color > 0)
        index[self.owner[rows], cols] = rows
        named = (self.per_color == 1) & self.pure[index] if len(self.areas) else self.per_color == 1
        return named, index

    @functools.cached_property
    def same_area(self) -> np.ndarray:
        """Per object: the other objects of its grid with its area."""
        _, where, counts = np.unique(
            self.owner * (self.areas.max(initial=0) + 1) + self.areas, return_inverse=True, return_counts=True
        )
        return (counts[where] - 1).reshape(-1)

    @functools.cached_property
    def kinds(self) -> np.ndarray:
        """Each object's kind, a code into OBJECT_KINDS (`kind_codes`)."""
        if self._kinds is not None:
            return self._kinds()
        return kind_codes(*self.object_cells, len(self.areas))

    @functools.cached_property
    def object_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(object, row, column) of every cell of every object of the chunk, for rules about
        the objects' shapes."""
        if self._object_cells is None:
            raise ValueError("these tables were made without their objects' cells")
        return self._object_cells()

    @functools.cached_property
    def object_at(self) -> np.ndarray:
        """Per cell of `cells`, the object it belongs to, or -1: where rules ask what lies at a cell."""
        obj, row, col = self.object_cells
        at = np.full(len(self.cells.values), -1, dtype=np.int64)
        at[self.cells.index(self.owner[obj], row, col)] = obj
        return at

    @functools.cached_property
    def cells(self) -> "Cells":
        """Every cell of every grid, for rules about the grid rather than its objects."""
        if self._grids is None:
            raise ValueError("these tables were made without their grids' cells")
        return Cells(*self._grids())

    def image_of(self, transform: str) -> np.ndarray:
        """Per cell, the cell whose colour the transform (`priors.transforms`: a flip, a turn, a
        transpose) brings to it; itself in a non-square grid, whose shape the transform would change."""
        c = self.cells
        h, w, r, k = c.grid_height, c.grid_width, c.row, c.col
        row, col = SOURCES[transform](h, w, r, k)
        if transform in TURNS_SHAPE:
            inside = h == w
            row, col = np.where(inside, row, r), np.where(inside, col, k)
        return c.grid_start + row * w + col

    def differing(self, transform: str) -> np.ndarray:
        """Per cell: its colour differs from the one the transform brings to it."""
        if transform not in self._differing:  # several families of a chunk ask about one transform
            self._differing[transform] = self.cells.values != self.cells.values[self.image_of(transform)]
        return self._differing[transform]

    def unchanged(self, transform: str) -> np.ndarray:
        """Per grid: it equals its image under the transform. A transform that changes a
        non-square grid's shape never leaves it unchanged."""
        if transform not in self._unchanged:  # asked by a family of its own and by `axes`-like ones
            c = self.cells  # a grid has a cell, so each grid's cells are one run from c.start on
            same = ~np.logical_or.reduceat(self.differing(transform), c.start) if self.n else np.ones(0, dtype=bool)
            self._unchanged[transform] = same & (c.heights == c.widths) if transform in TURNS_SHAPE else same
        return self._unchanged[transform]

    def extreme_area(self, sign: int) -> tuple[np.ndarray, np.ndarray]:
        """(grid has a unique largest (sign 1) or smallest (-1) object, that object's index)."""
        key = sign * self.areas
        best = np.full(self.n, np.iinfo(np.int64).min)
        np.maximum.at(best, self.owner, key)
        top = key == best[self.owner]
        ties = np.bincount(self.owner[top], minlength=self.n)
        index = np.zeros(self.n, dtype=np.int64)
        index[self.owner[top]] = np.flatnonzero(top)
        return ties == 1, index

    def reduce_areas(self, reduce: np.ufunc) -> np.ndarray:
        """Per grid, `reduce` (np.maximum, np.minimum) of its objects' areas; 0 with no objects."""
        value = np.zeros(self.n, dtype=np.int64)
        some = np.flatnonzero(self.objects > 0)
        value[some] = reduce.reduceat(self.areas, self.first[some])
        return value


def kth(mask: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row, the column of its k-th (0-based) True."""
    return np.argmax(np.cumsum(mask, axis=1) > k[:, None], axis=1)


def unique_best(values: np.ndarray, valid: np.ndarray, sign: int) -> tuple[np.ndarray, np.ndarray]:
    """(row has a unique largest (sign 1) or smallest (-1) valid value, its column): `unique_argmax`."""
    key = np.where(valid, sign * values, np.iinfo(np.int64).min)
    best = key.max(axis=1)
    unique = (key == best[:, None]).sum(axis=1) == 1
    return unique & valid.any(axis=1), key.argmax(axis=1)


def pick(pool: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row has a True, the column of the True at `u`'s place among them): the chunk form
    of `pool[int(u * len(pool))]`, the uniform choice every parameter space makes."""
    size = np.count_nonzero(pool, axis=1)
    return size > 0, kth(pool, (u * size).astype(np.int64))


def sorted_lists(column: Callable[[Tables], np.ndarray]):
    """An answer text: each grid's objects' `column(tables)` values (one per object), sorted
    and joined with commas as `join_numbers` writes a list. Written for a whole chunk in one
    join, since a list answer is asked of tens of thousands of grids a second."""

    def text(t: Tables, grids: np.ndarray) -> list[str]:
        counts = t.first[grids + 1] - t.first[grids]
        some = np.flatnonzero(counts)  # a grid without objects has the empty list
        counts = counts[some]
        owner = np.repeat(np.arange(len(some)), counts)
        at = np.repeat(t.first[grids[some]] - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
        values = column(t)[at]
        order = np.lexsort((values, owner))
        pieces = np.empty((len(order), 2), dtype=object)
        pieces[:, 0] = values[order].astype(str)
        pieces[:, 1] = np.where(np.append(owner[1:] != owner[:-1], True), "\n", ", ")
        texts = [""] * len(grids)
        for g, joined in zip(some.tolist(), "".join(pieces.ravel().tolist()).split("\n")):
            texts[g] = joined
        return texts

    return text


AS_NUMBER = "number"
AS_YES_NO = "yes_no"
"""How a rule's answer codes become answer text: str(code) (numbers and colours), or yes (1) / no (0)."""
Text = Union[str, Callable[[Tables, np.ndarray], "list[str]"]]
Rule = Callable[[Tables, Mapping[str, np.ndarray]], "tuple[np.ndarray, np.ndarray]"]
_WHOLE = re.compile(r"0|[1-9][0-9]*")


@attrs.frozen
class TableRule:
    """A family's answer written once, over a chunk's tables.

    `rule(tables, params)` gives (ok, code) per grid: whether the question is well-posed
    there, and its answer as a number that `text` turns into the answer (AS_NUMBER, AS_YES_NO, or
    a function of the tables and the codes of some grids). Called as a family's answer rule,
    `(scene, params) -> str | None`, it asks the scene as a chunk of one."""

    rule: Rule
    text: Text = AS_NUMBER
    values: Mapping[str, tuple] = attrs.field(
        factory=dict, converter=lambda m: {k: tuple(v) for k, v in dict(m).items()}
    )
    """Parameters that are not numbers: name -> the values its codes stand for (the rule and
    `choose_chunk` see code i where the question says values[name][i])."""

    def __call__(self, scene, params: Mapping) -> str | None:
        ok, code = self.over(scene.tables, {name: np.array([c]) for name, c in self.encoded(params).items()})
        return self.texts(scene.tables, code[:1])[0] if ok[0] else None

    def encoded(self, params: Mapping) -> dict:
        """A question's parameters as the codes the rule reads."""
        return {name: self.values[name].index(v) if name in self.values else v for name, v in params.items()}

    def decoded(self, codes: Mapping[str, int]) -> dict:
        """One grid's parameter codes as the values a question shows (`encoded`'s inverse)."""
        return {name: self.values[name][c] if name in self.values else c for name, c in codes.items()}

    def over(self, tables: Tables, params: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        ok, code = self.rule(tables, params)
        return np.asarray(ok, dtype=bool), np.asarray(code, dtype=np.int64)

    def texts(self, tables: Tables, codes: np.ndarray) -> list[str]:
        if self.text == AS_NUMBER:
            return [str(c) for c in codes.tolist()]
        if self.text == AS_YES_NO:
            return ["yes" if c else "no" for c in codes.tolist()]
        return self.text(tables, codes)

    def code(self, answer: str) -> int | None:
        """The code of an answer text, where codes stand for texts one to one (AS_NUMBER, AS_YES_NO)."""
        if self.text == AS_YES_NO:
            return {"yes": 1, "no": 0}.get(answer)
        return int(answer) if self.text == AS_NUMBER and _WHOLE.fullmatch(answer) else None


def table_rule(text: Text = AS_NUMBER, values: Mapping[str, tuple] | None = None) -> Callable[[Rule], TableRule]:
    """Decorates a rule over chunk tables into a family's answer (see `TableRule`)."""
    return lambda rule: TableRule(rule, text, values or {})


def chosen_for_one(choose_chunk, scene, rng: np.random.Generator) -> dict | None:
    """A parameter space's one-scene `choose`, from its `choose_chunk`: the scene as a chunk
    of one, drawing the same numbers in the same order."""
    ok, params = choose_chunk(scene.tables, rng)
    return {name: int(value[0]) for name, value in params.items()} if ok[0] else None


def keep_rates(family, rule: TableRule, tables: Tables, code: np.ndarray) -> np.ndarray:
    """Per grid, the probability that `Prior.question` keeps the answer (`Family.keep`)."""
    rate = np.ones(len(code))
    if rule.text in (AS_NUMBER, AS_YES_NO):
        for answer, p in family.keep.items():
            rate[code == rule.code(answer)] = p
    elif family.keep:
        texts = rule.texts(tables, code)
        rate[:] = [family.keep.get(text, 1.0) for text in texts]
    return rate
