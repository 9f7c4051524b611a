"""The conformance kit: contract checks and Hypothesis strategies (`priors.strategies`,
re-exported here), shared with plugin authors.

A plugin's tests run the same checks that arc-priors runs on its own priors:

    from priors.testing import conformance_suite
    TestMyPrior = conformance_suite(my_prior)   # pytest collects one test per rule

Each rule is a function here too (`check_sample`, `check_records`, ...), so a failure can be
reproduced outside pytest. A broken rule raises `ContractViolation`, whose message names
the prior, the family, the rule (one of `RULES`) and what was seen.

Hypothesis is a test dependency (`pip install arc-priors[test]`), imported here only.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings

from generators import Sample
from priors.contract import DEFAULT_MIXTURE, enforce
from priors.contract import RULES as RULES  # re-exported: plugins' tests import the kit's names from here
from priors.contract import ContractViolation as ContractViolation
from priors.contract import ContractWarning as ContractWarning
from priors.distributions import (
    answers_on,
    balance_problems,
    level_answers,
    level_balance_problems,
    mixture_problems,
    noise_problem,
    own_answers,
)
from priors.distributions import named as _named
from priors.distributions import targets as _targets
from priors.distributions import widest as _widest
from priors.grid import as_grid
from priors.guards import RuleBroken, check_question, checked_grid, level_stats
from priors.prior import Prior
from priors.questions import Family, Question, Target, final_line
from priors.scene import Conventions, Scene, parse
from priors.settings import LEVELS
from priors.strategies import conventions as conventions  # re-exported: plugins' tests import them from here
from priors.strategies import grids as grids
from priors.strategies import scene_tuples as scene_tuples
from priors.strategies import scenes as scenes
from priors.strategies import seeds as seeds
from priors.transforms import transform
from priors.wordings import check_phrasings as check_phrasings  # re-exported with the other checks
from priors.wordings import check_wordings as check_wordings

NO_FORMAT = "the family declares no answer_format (a regular expression or a frozenset)"


# --- one function per rule -----------------------------------------------------------------


def check_sample(prior: Prior, seed: int) -> Sample:
    """Rules 'sampler' and 'intent' on the sample drawn with `seed`."""
    sample = prior.sample(np.random.default_rng(seed))
    try:
        grid = checked_grid(sample)
    except RuleBroken as broken:
        raise ContractViolation(prior.name, "sampler", f"{broken.rule} (seed {seed})") from None
    bg = sample.background
    if bg is not None and (type(bg) is bool or not isinstance(bg, (int, np.integer)) or not 0 <= bg <= 9):
        raise ContractViolation(prior.name, "sampler", f"background {bg!r} is not a colour 0-9 or None (seed {seed})")
    for intent in sample.intent:
        cells = intent.cells()
        if not cells or not all(
            0 <= r < grid.shape[0] and 0 <= c < grid.shape[1] and grid[r, c] == intent.color for r, c in cells
        ):
            raise ContractViolation(
                prior.name,
                "intent",
                f"a {intent.kind} of colour {intent.color} is not on the grid as intended (seed {seed})",
            )
    if sample.separated_under is not None:
        for univalued in (True, False):
            scene = parse(grid, connectivity=sample.separated_under, univalued=univalued, background=bg)
            parsed = sorted(((min(o.cells), frozenset(o.cells), o.color) for o in scene.objects), key=lambda x: x[0])
            intended = sorted(((min(i.cells()), i.cells(), i.color) for i in sample.intent), key=lambda x: x[0])
            if parsed != intended:
                raise ContractViolation(
                    prior.name,
                    "intent",
                    f"separated_under={sample.separated_under} promises {len(intended)} objects, the grid parses "
                    f"into {len(parsed)} (seed {seed})",
                )
    return sample


def check_records(prior: Prior, target: Target, asked) -> list[Question]:
    """Rules 'records', 'format' and 'worked' on questions asked about `target`."""
    by_id = {f.id: f for f in prior.families}
    for q in asked:
        family = by_id.get(getattr(q, "family", None))
        if family is None:
            raise ContractViolation(
                prior.name, "records", f"{q!r} is not a Question of one of its families {sorted(by_id)}"
            )
        if family.answer_format is None:
            raise ContractViolation(prior.name, "format", NO_FORMAT, family.id)
        try:
            check_question(prior, family, target, q)
        except RuleBroken as broken:
            rule = "format" if "declared format" in broken.rule or "not str" in broken.rule else "records"
            raise ContractViolation(prior.name, rule, broken.rule, family.id) from None
    check_worked(prior, target, asked)
    return list(asked)


NO_STEPS = ("", "not a step")
"""Lines that no family's check may accept: a check that accepts anything judges nothing."""


def _parsed_again(target: Target) -> Target:
    if isinstance(target, Scene):
        return target.conventions.parse(target.grid, name=target.name)
    return tuple(_parsed_again(s) for s in target)


def check_worked(prior: Prior, target: Target, asked) -> None:
    """Rule 'worked' on well-formed records asked about `target`: for a family that declares
    `worked`, the record's worked answer is its steps, one a line, then the bare answer;
    the steps are distinct, each holds by the family's check, the check rejects `NO_STEPS`,
    and the steps are the same (in order when `ordered`, else as a set) for a fresh parse
    of the same grid, so that the trace is the grid's and not the parse's or a cache's."""
    by_id = {f.id: f for f in prior.families}
    again = None
    for q in asked:
        family: Family = by_id[q.family]

        def broken(detail: str) -> ContractViolation:
            return ContractViolation(
                prior.name, "worked", f"{detail}; question {q.question!r}, params {dict(q.params)}", family.id
            )

        if family.worked is None:
            if q.worked is not None:
                raise broken(f"the family declares no worked answer, but the record has {q.worked!r}")
            continue
        steps = family.worked.steps(target, q.params)
        if not all(isinstance(step, str) and step and step == step.strip() and "\n" not in step for step in steps):
            raise broken(f"steps must be non-empty one-line strings without spaces around them, got {steps!r}")
        if (
            not isinstance(q.worked, str)
            or q.worked.split("\n") != [*steps, q.answer]
            or final_line(q.worked) != q.answer
        ):
            raise broken(
                f"the worked answer {q.worked!r} is not the steps {list(steps)!r} and then the bare answer {q.answer!r}"
            )
        repeated = [step for step, n in Counter(steps).items() if n > 1]
        if repeated and not family.worked.repeats:
            raise broken(f"step {repeated[0]!r} is written {Counter(steps)[repeated[0]]} times")
        for step in steps:
            if not family.worked.holds(target, q.params, step):
                raise broken(f"step {step!r} does not hold by the family's own check")
        accepted = [line for line in NO_STEPS if family.worked.holds(target, q.params, line)]
        if accepted:
            raise broken(f"the check accepts {accepted[0]!r}, which is no step")
        again = _parsed_again(target) if again is None else again
        fresh = list(family.worked.steps(again, q.params))
        if (fresh != list(steps)) if family.worked.ordered else (sorted(fresh) != sorted(steps)):
            raise broken(f"the steps are {list(steps)!r}, but {fresh!r} for the same grid parsed again")


def check_formats_declared(prior: Prior) -> None:
    for family in prior.families:
        if family.answer_format is None:
            raise ContractViolation(prior.name, "format", NO_FORMAT, family.id)


def check_determinism(prior: Prior, seed: int, target: Target | None = None) -> None:
    a, b = (prior.sample(np.random.default_rng(seed)) for _ in range(2))
    if not np.array_equal(as_grid(a.grid), as_grid(b.grid)):
        raise ContractViolation(prior.name, "determinism", f"seed {seed} drew two different grids")
    targets = [target] if target is not None else _targets(prior, _named([as_grid(a.grid)] * _widest(prior)))
    for t in targets:
        if prior.questions(t, np.random.default_rng(seed)) != prior.questions(t, np.random.default_rng(seed)):
            raise ContractViolation(
                prior.name, "determinism", f"seed {seed} asked two different sets of questions about one grid"
            )


def _answers(prior: Prior, target: Target, transform_name: str) -> dict:
    return {
        (q.family, tuple(sorted(q.params.items()))): q.answer
        for q in prior.all_questions(target)
        if transform_name in next(f for f in prior.families if f.id == q.family).invariant_under
    }


def check_invariance(prior: Prior, grids_: list[np.ndarray], c: Conventions) -> None:
    """Rule 'invariance': every declared transform, applied to every grid of the target."""
    declared = set().union(*(f.invariant_under for f in prior.families))
    for name in sorted(declared):
        for target, moved in zip(
            _targets(prior, _named(grids_, c)), _targets(prior, _named([transform(g, name) for g in grids_], c))
        ):
            before, after = _answers(prior, target, name), _answers(prior, moved, name)
            if before != after:
                changed = sorted(set(before.items()) ^ set(after.items()))[:2]
                family = changed[0][0][0] if changed else None
                raise ContractViolation(
                    prior.name,
                    "invariance",
                    f"{name} changed the answers: {changed} (grid {grids_[0].tolist()})",
                    family,
                )


def check_balance(prior: Prior, counts: dict[str, Counter], *, limit: float = 0.35, min_asked: int = 20) -> None:
    """Rules 'coverage' and 'balance': the first family asked too rarely or giving one answer
    too often (`priors.distributions.balance_problems` lists them all)."""
    problems = balance_problems(prior, counts, limit=limit, min_asked=min_asked)
    if problems:
        raise problems[0]


def other_priors(prior: Prior) -> list[Prior]:
    """The default mixture's priors other than `prior`, those installed (`DEFAULT_MIXTURE`)."""
    from priors.registry import UnknownPriorError, load

    out = []
    for name in DEFAULT_MIXTURE:
        if name != prior.name:
            try:
                out.append(load(name))
            except UnknownPriorError:
                continue
    return out


def check_noise(prior: Prior) -> None:
    """Rule 'noise' (`priors.distributions.noise_problem`); warns until contract 1.2."""
    problem = noise_problem(prior)
    if problem is not None:
        enforce(problem)


def check_level_balance(prior: Prior, samples: int = 500, *, limit: float = 0.35, min_asked: int = 20) -> None:
    """Rule 'level-balance' at every level; warns until contract 1.2."""
    for problem in level_balance_problems(prior, level_answers(prior, samples), limit=limit, min_asked=min_asked):
        enforce(problem)


def check_mixture(prior: Prior, samples: int = 500, *, min_asked: int = 20) -> None:
    """Rule 'mixture' on the grids of the default mixture's other priors; advice: it warns."""
    for problem in mixture_problems(prior, answers_on(prior, other_priors(prior), samples), min_asked=min_asked):
        enforce(problem)


def check_levels(prior: Prior, samples: int = 300) -> dict[str, dict[str, float]]:
    """Rule 'levels': easy, medium and hard exist, each draws valid grids, and each level's grids
    are larger (mean largest side) and hold more objects (mean count) than the level before."""
    missing = [name for name in LEVELS if name not in prior.levels]
    if prior.build is None or missing:
        raise ContractViolation(
            prior.name, "levels", f"no settings builder, or levels {missing} missing (it has {list(prior.levels)})"
        )
    stats = {}
    for name in LEVELS:
        try:
            stats[name] = level_stats(prior.configured(name), samples)
        except RuleBroken as broken:
            raise ContractViolation(prior.name, "levels", f"level {name}: {broken.rule}") from None
    for easier, harder in zip(LEVELS, LEVELS[1:]):
        for measure in ("mean_side", "mean_objects"):
            if not stats[harder][measure] > stats[easier][measure]:
                raise ContractViolation(
                    prior.name,
                    "levels",
                    f"{measure} is {stats[easier][measure]:.2f} at {easier} but {stats[harder][measure]:.2f} at "
                    f"{harder}",
                )
    return stats


# --- the suite -----------------------------------------------------------------------------


def check_questions(prior: Prior, scene: Scene, asked) -> None:
    """The record rules, for one scene (kept for plugins written against the first kit)."""
    check_records(prior, scene, asked)


def contract_test(prior: Prior, *, max_examples: int = 100):
    """One test function: the record, format and determinism rules on arbitrary scenes and on
    the prior's own samples. `conformance_suite` runs these and every other rule."""

    @settings(max_examples=max_examples, deadline=None)
    @given(scene_list=scene_tuples(_widest(prior)), seed=seeds)
    def test_contract(scene_list, seed: int) -> None:
        scene_list = list(scene_list) if _widest(prior) > 1 else [scene_list[0].conventions.parse(scene_list[0].grid)]
        for target in _targets(prior, scene_list):
            check_records(prior, target, prior.questions(target, np.random.default_rng(seed)))
            check_determinism(prior, seed, target)
        drawn = _named([checked_grid(prior.sample(np.random.default_rng(seed + i))) for i in range(_widest(prior))])
        for target in _targets(prior, drawn):
            check_records(prior, target, prior.questions(target, np.random.default_rng(seed)))

    test_contract.__name__ = f"test_{prior.name}_contract"
    return test_contract


def conformance_suite(
    prior: Prior, *, max_examples: int = 100, samples: int = 2000, balance: float = 0.35, min_asked: int = 20
) -> type:
    """A pytest class with one test per rule of `RULES`, for `prior`.

    `samples` draws of the prior's own sampler judge balance and coverage; arbitrary grids
    and every combination of conventions (Hypothesis) judge records, formats and
    invariances, so the answers hold on grids the sampler never draws.
    """
    widest = _widest(prior)
    cached: dict[str, dict] = {}

    class Conformance:
        def test_sampler_draws_valid_grids_and_keeps_its_intent(self):
            @settings(max_examples=max_examples, deadline=None)
            @given(seed=seeds)
            def run(seed):
                check_sample(prior, seed)

            run()

        def test_every_family_declares_an_answer_format(self):
            check_formats_declared(prior)

        def test_records_on_arbitrary_scenes(self):
            @settings(max_examples=max_examples, deadline=None)
            @given(scene_list=scene_tuples(widest), seed=seeds)
            def run(scene_list, seed):
                scene_list = list(scene_list) if widest > 1 else [scene_list[0].conventions.parse(scene_list[0].grid)]
                for target in _targets(prior, scene_list):
                    check_records(prior, target, prior.questions(target, np.random.default_rng(seed)))
                    check_records(prior, target, prior.all_questions(target))

            run()

        def test_records_on_its_own_samples(self):
            @settings(max_examples=max_examples, deadline=None)
            @given(seed=seeds, c=conventions())
            def run(seed, c):
                drawn = _named([checked_grid(prior.sample(np.random.default_rng(seed + i))) for i in range(widest)], c)
                for target in _targets(prior, drawn):
                    check_records(prior, target, prior.questions(target, np.random.default_rng(seed)))

            run()

        def test_the_same_seed_gives_the_same_grid_and_questions(self):
            @settings(max_examples=max(10, max_examples // 4), deadline=None)
            @given(seed=seeds)
            def run(seed):
                check_determinism(prior, seed)

            run()

        def test_declared_invariances(self):
            @settings(max_examples=max_examples, deadline=None)
            @given(scene_list=scene_tuples(widest, max_side=12))
            def run(scene_list):
                check_invariance(prior, [s.grid for s in scene_list], scene_list[0].conventions)

            run()

        def test_levels_get_harder(self):
            check_levels(prior)

        def test_every_wording_asks_the_same_question(self):
            check_wordings(prior)

            @settings(max_examples=max(10, max_examples // 4), deadline=None)
            @given(scene_list=scene_tuples(widest, max_side=12))
            def run(scene_list):
                scene_list = list(scene_list) if widest > 1 else [scene_list[0].conventions.parse(scene_list[0].grid)]
                for target in _targets(prior, scene_list):
                    check_wordings(prior, target)

            run()

        def test_every_family_has_trained_and_held_out_wordings(self):
            check_phrasings(prior)

        def test_answers_are_balanced_and_every_family_is_asked(self):
            if "counts" not in cached:
                cached["counts"] = own_answers(prior, samples)
            check_balance(prior, cached["counts"], limit=balance, min_asked=min_asked)

        def test_noise_in_settings_reaches_the_grids(self):
            check_noise(prior)

        def test_answers_are_balanced_at_every_level(self):
            if prior.build is not None:
                check_level_balance(prior, max(100, samples // 8), limit=balance, min_asked=min_asked)

        def test_answers_on_the_default_mixtures_grids(self):
            check_mixture(prior, max(100, samples // 8), min_asked=min_asked)

    Conformance.__name__ = Conformance.__qualname__ = f"TestConformance_{prior.name}"
    return Conformance
