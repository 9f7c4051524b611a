"""Worked answers: every trace of the built-in priors equals the reference trace written another
way (ref_worked.py), on arbitrary grids under every convention and on the priors' own samples;
each family's check rejects a step with a wrong count; the conformance kit fails a family
that breaks the 'worked' rule, naming it."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ref_worked import NO_STEPS, WorkedReference, steps
from reference import answer_for

import priors
from priors import NUMBER, Family, Prior, Question
from priors.questions import Worked, final_line, worked_text
from priors.testing import ContractViolation, check_records, conventions, grids, scene_tuples, seeds
from priors.worked import read_tally, tally

SINGLE = ("counting", "area", "colors", "shapes", "zones", "objects")
BUILTIN = (*SINGLE, "compare")


def _reference(grid, c) -> WorkedReference:
    return WorkedReference(grid.tolist(), c.connectivity, c.univalued, c.background)


def _check_traces(prior, target, refs, asked) -> int:
    """Each worked answer is the reference's steps and answer; returns how many were compared."""
    names = [s.name for s in ((target,) if isinstance(target, priors.Scene) else target)]
    compared = 0
    for q in asked:
        family = next(f for f in prior.families if f.id == q.family)
        if family.worked is None:
            assert q.worked is None and family.id in NO_STEPS, family.id
            continue
        expected = worked_text(
            steps(q.family, refs, names, dict(q.params)), answer_for(q.family, refs, names, dict(q.params))
        )
        assert q.worked == expected, (q.family, dict(q.params))
        compared += 1
    return compared


@given(grid=grids(), c=conventions())
def test_every_trace_a_prior_can_write_is_the_reference_trace(grid, c):
    scene, ref = c.parse(grid), _reference(grid, c)
    for name in SINGLE:
        prior = priors.load(name)
        _check_traces(prior, scene, [ref], prior.all_questions(scene))


@given(pair=scene_tuples(2, max_side=12))
def test_every_comparison_trace_is_the_reference_trace(pair):
    prior, c = priors.load("compare"), pair[0].conventions
    _check_traces(prior, pair, [_reference(s.grid, c) for s in pair], prior.all_questions(pair))


@settings(max_examples=60)
@given(name=st.sampled_from(BUILTIN), seed=seeds, c=conventions())
def test_traces_of_sampled_grids_and_questions_are_the_reference_traces(name, seed, c):
    prior = priors.load(name)
    rng = np.random.default_rng(seed)
    width = max(f.scenes for f in prior.families)
    grids_ = [np.asarray(prior.sample(rng).grid) for _ in range(width)]
    scenes = [c.parse(g, name="the grid" if width == 1 else f"Grid {chr(65 + i)}") for i, g in enumerate(grids_)]
    target = scenes[0] if width == 1 else tuple(scenes)
    refs = [_reference(g, c) for g in grids_]
    _check_traces(prior, target, refs, prior.all_questions(target) + prior.questions(target, rng))


@settings(max_examples=50)
@given(grid=grids(max_side=12), c=conventions())
def test_a_count_one_too_many_does_not_hold(grid, c):
    scene = c.parse(grid)
    for name in SINGLE:
        prior = priors.load(name)
        for q in prior.all_questions(scene):
            family = next(f for f in prior.families if f.id == q.family)
            for line in q.worked.splitlines()[:-1] if family.worked else ():
                read = read_tally(line)
                if read is not None:
                    assert not family.worked.holds(scene, q.params, tally(read[0], read[1] + 1)), (q.family, line)


# --- by hand -------------------------------------------------------------------------------------

GRID = [[0, 3, 3, 0], [0, 0, 0, 5], [2, 0, 0, 5]]


def _worked(prior: str, family: str, grid=GRID, **params) -> str:
    family_ = next(f for f in priors.load(prior).families if f.id == family)
    return family_.ask(prior, priors.parse(grid), params).worked


@pytest.mark.parametrize(
    "prior, family, params, expected",
    [
        ("counting", "counting.objects", {}, ".11.\n...2\n3..2\n3"),
        ("counting", "counting.color", {"color": 5}, "5 at 1,3\n1"),
        ("counting", "counting.most_objects_color", {}, None),  # one object a colour: a tie, never asked
        ("area", "area.sorted", {}, "3 at 0,1: 2\n5 at 1,3: 2\n2 at 2,0: 1\n1, 2, 2"),
        ("area", "area.min_color", {}, "3 at 0,1: 2\n5 at 1,3: 2\n2 at 2,0: 1\n2"),
        ("area", "area.same_size", {"color": 5}, "5 at 1,3: 2\n3 at 0,1: 2\n1"),
        ("colors", "colors.cells", {"color": 5}, "row 1: 1\nrow 2: 1\n2"),
        ("colors", "colors.background", {}, "0: 7\n2: 1\n3: 2\n5: 2\n0"),
        ("colors", "colors.distinct", {}, "color 2\ncolor 3\ncolor 5\n3"),
        ("shapes", "shapes.kind", {"color": 5}, "5 at 1,3: 2\nbox 2x1\nvertical line"),
        ("shapes", "shapes.longest_line", {}, "3 at 0,1: 2\n5 at 1,3: 2\n2"),
    ],
)
def test_hand_worked_traces(prior, family, params, expected):
    if expected is None:
        assert (
            next(f for f in priors.load(prior).families if f.id == family).ask(prior, priors.parse(GRID), params)
            is None
        )
        return
    assert _worked(prior, family, **params) == expected
    assert final_line(expected) == expected.splitlines()[-1]


def test_zones_trace_the_lines_then_the_table():
    grid = [[1, 4, 1, 1, 1], [4, 4, 4, 4, 4], [1, 4, 1, 0, 1], [1, 4, 1, 1, 1]]
    assert _worked("zones", "zones.count", grid, color=4) == "row 1\ncol 1\n2 x 2\n4"
    assert _worked("zones", "zones.empty", grid, color=4) == "zone 1,1\nzone 1,2\nzone 2,1\n3"
    assert _worked("zones", "zones.most", grid, color=4, target=0) == "zone 2,2: 1\n2, 2"


def test_a_background_set_by_convention_shows_no_work():
    family = next(f for f in priors.load("colors").families if f.id == "colors.background")
    assert family.ask("colors", priors.parse(GRID, background=3), {}).worked == "3"


# --- the kit fails a family that breaks the rule -------------------------------------------------


def _count(scene, params):
    return str(len(scene.areas))


def _broken(steps, holds=lambda scene, params, line: line.startswith("object"), ordered=True) -> Prior:
    family = Family(
        "broken.count",
        "How many objects in {grid}?",
        _count,
        answer_format=NUMBER,
        worked=Worked(steps, holds, ordered),
    )
    return Prior(name="broken", description="Broken on purpose.", families=[family])


def _violation(prior, grid=GRID, asked=None) -> ContractViolation:
    scene = priors.parse(grid)
    with pytest.raises(ContractViolation) as info:
        check_records(prior, scene, prior.all_questions(scene) if asked is None else asked)
    assert info.value.rule == "worked" and info.value.family == "broken.count"
    return info.value


def test_a_step_that_does_not_hold_is_named():
    err = _violation(_broken(lambda s, p: ["object 1", "thing 2"]))
    assert "'thing 2' does not hold" in str(err)


def test_a_step_written_twice_is_named():
    assert "written 2 times" in str(_violation(_broken(lambda s, p: ["object 1", "object 1"])))


def test_a_check_that_accepts_anything_judges_nothing():
    assert "which is no step" in str(_violation(_broken(lambda s, p: ["object 1"], holds=lambda s, p, line: True)))


def test_a_step_of_two_lines_is_refused():
    assert "one-line strings" in str(_violation(_broken(lambda s, p: ["object 1\nobject 2"])))


def test_a_worked_answer_that_does_not_end_with_the_bare_answer_is_named():
    prior = _broken(lambda s, p: ["object 1"])
    record = Question("broken", "broken.count", {}, "How many objects in the grid?", "3", "object 1\n4")
    assert "then the bare answer '3'" in str(_violation(prior, asked=[record]))


def test_an_ordered_trace_must_come_from_the_grid_alone():
    seen: dict = {}

    def by_parse(scene, params):
        """A fresh parse of the same grid lists the steps the other way round."""
        return ["object 1", "object 2"][:: -1 if seen.setdefault(id(scene), len(seen)) % 2 else 1]

    assert "parsed again" in str(_violation(_broken(by_parse)))
    seen.clear()
    scene = priors.parse(GRID)
    unordered = _broken(by_parse, ordered=False)
    check_records(unordered, scene, unordered.all_questions(scene))  # the same set: allowed


def test_a_record_with_work_its_family_does_not_declare_is_named():
    prior = Prior(
        name="broken",
        description="No work.",
        families=[Family("broken.count", "How many in {grid}?", _count, answer_format=NUMBER)],
    )
    record = Question("broken", "broken.count", {}, "How many in the grid?", "3", "object 1\n3")
    assert "declares no worked answer" in str(_violation(prior, asked=[record]))
