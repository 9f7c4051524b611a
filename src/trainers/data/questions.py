"""Asking a round of grids: which questions each grid of a chunk gets, and their texts.

A family whose answer is a rule over chunk tables (`priors.TableRule`) and whose parameters
choose by chunk is asked of every grid of a round at once. Any other family (one written
per scene, a third-party one) is asked one scene at a time, and only where the chat would
try it: the order in which a chat tries families is drawn first, for every grid as arrays,
and each grid then walks it until it has its questions. So a mixture with one prior written
per scene runs the rest as arrays, and pays per scene only for the questions it tries.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as quote
from typing import Callable

import attrs
import numpy as np

from priors.tables import AS_NUMBER, AS_YES_NO, TableRule, Tables, keep_rates
from trainers.data.record_text import object_column


@attrs.frozen
class Asked:
    """One family asked of every grid of a round: `ok` where a question is asked, its answer
    code (the family's `TableRule.text` turns it into the answer), each parameter's values."""

    ok: np.ndarray
    value: np.ndarray
    params: dict[str, np.ndarray]


def chunk_rule(family) -> TableRule | None:
    """The family's answer rule, when the family can be asked of a whole chunk: its answer is
    a `TableRule` and its parameter space chooses by chunk. Otherwise None."""
    if not isinstance(family.answer, TableRule) or not chooses_by_chunk(family):
        return None
    return family.answer


def chooses_by_chunk(family) -> bool:
    return callable(getattr(family.params, "choose_chunk", None))


def ask_table(tables: Tables, family, rule: TableRule, rng: np.random.Generator, asker=None) -> Asked:
    """The family's parameters drawn for every grid, then its rule over the chunk (`keep`
    thins afterwards). With the asking prior's guard (`GuardedPrior`), a plugin's failing rule
    is its one-line failure."""
    chosen, params = choose_table(tables, family, rng, asker)
    try:
        ok, value = rule.over(tables, params)
    except Exception as err:
        if asker is None:
            raise
        raise asker.failure(f"raised {type(err).__name__}: {err}", family.id) from err
    return Asked(chosen & ok, value, params)


def choose_table(
    tables: Tables, family, rng: np.random.Generator, asker=None
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The family's parameters drawn for every grid of the chunk (`choose_chunk`): for the
    table families, and for families asked per scene whose parameters choose by chunk."""
    try:
        return family.params.choose_chunk(tables, rng)
    except Exception as err:
        if asker is None:
            raise
        raise asker.failure(f"raised {type(err).__name__}: {err}", family.id) from err


def keep(
    asked: list[Asked | None], families: list, rules: list, tables: Tables, rng: np.random.Generator
) -> np.ndarray:
    """Per grid and family, whether a table family's question is asked after `keep` thinning
    (one uniform per grid for each family that thins); False for the families asked per scene."""
    ok = np.zeros((tables.n, len(families)), dtype=bool)
    for f, (family, rule, a) in enumerate(zip(families, rules, asked)):
        if a is None:
            continue
        ok[:, f] = a.ok
        if family.keep:
            ok[:, f] &= rng.random(tables.n) < keep_rates(family, rule, tables, a.value)
    return ok


def arrival_order(asker_of: np.ndarray, ask_weights: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Per grid, the order in which `ChatBuilder.questions` would try the families.

    `questions` tries families one at a time: an asker by weight among those with untried
    families, then one of its untried families at random. That order is drawn here whole, as
    a race: each asker's families arrive at the times of a Poisson process at the asker's
    weight, in random order. The next arrival then comes from an asker with families left
    with probability proportional to its weight, whatever came before, which is the law of
    `questions`' next try. Askers' families are contiguous in `asker_of`."""
    total = len(asker_of)
    group_start = np.searchsorted(asker_of, asker_of)  # each family's asker's first family
    gaps = rng.exponential(size=(n, total)) / ask_weights[asker_of]
    times = np.cumsum(gaps, axis=1)
    times -= (times - gaps)[:, group_start]  # each asker's arrival times, from its own start
    slots = np.argsort(asker_of + rng.random((n, total)), axis=1)  # a random order of each asker's families
    arrival = np.empty_like(times)
    np.put_along_axis(arrival, slots, times, axis=1)
    return np.argsort(arrival, axis=1)


def choose(
    order: np.ndarray,
    ok: np.ndarray,
    picks: int,
    fixed: bool,
    per_scene: np.ndarray | None = None,
    ask: Callable[[int, int], bool] | None = None,
) -> np.ndarray:
    """Per grid, the first `picks` families of its order that are asked (-1 pads), in the
    order tried, or in family order when `fixed`. Families marked `per_scene` are asked
    where a grid reaches them, by `ask(grid, family)`, and those past its picks never are."""
    n, total = ok.shape
    if per_scene is None or not per_scene.any():
        kept = np.take_along_axis(ok, order, axis=1)
        chosen = np.where(kept & (np.cumsum(kept, axis=1) <= picks), order, total)
    else:
        chosen = np.full((n, total), total)
        lazy, known = per_scene.tolist(), ok.tolist()
        for g, tries in enumerate(order.tolist()):
            got = 0
            for f in tries:
                if ask(g, f) if lazy[f] else known[g][f]:
                    chosen[g, got] = f
                    got += 1
                    if got == picks:
                        break
    chosen = np.sort(chosen, axis=1) if fixed else _compact(chosen, total)
    chosen = chosen[:, :picks]
    return np.where(chosen == total, -1, chosen)


def _compact(chosen: np.ndarray, pad: int) -> np.ndarray:
    """Each row's entries other than `pad`, moved to the front in their order."""
    order = np.argsort(chosen == pad, axis=1, kind="stable")
    return np.take_along_axis(chosen, order, axis=1)


_NUMBERS = np.array([f'"{i}"' for i in range(1000)], dtype=object)
"""Quoted number answers by value, looked up for a whole round at once."""
_YES_NO = np.array(['"no"', '"yes"'], dtype=object)


def answer_texts(rule: TableRule, tables: Tables, values: np.ndarray) -> np.ndarray:
    """Quoted answer texts of many answer codes: numbers and yes/no looked up, others quoted."""
    if rule.text == AS_YES_NO:
        return _YES_NO[values]
    if rule.text == AS_NUMBER and values.min(initial=0) >= 0 and values.max(initial=0) < len(_NUMBERS):
        return _NUMBERS[values]
    return object_column([quote(text) for text in rule.texts(tables, values)])


def param_rows(params: dict[str, np.ndarray], rows: np.ndarray) -> tuple[list[dict], np.ndarray]:
    """The distinct parameter values of the given grids, as dicts, and each grid's one among them."""
    if not params:
        return [{}], np.zeros(len(rows), dtype=np.int64)
    stacked = np.stack([np.asarray(v)[rows] for v in params.values()], axis=1)
    unique, which = np.unique(stacked, axis=0, return_inverse=True)
    names = list(params)
    return [dict(zip(names, map(int, u))) for u in unique.tolist()], which.reshape(-1)
