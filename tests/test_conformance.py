"""Every prior in this repository passes the conformance kit, and the kit fails broken priors,
each on the rule it breaks."""

import numpy as np
import pytest

import priors
from generators import Sample, SceneSampler, SizeCurriculum
from priors import NUMBER, YES_NO, Family, Prior
from priors.testing import (
    ContractViolation,
    check_balance,
    check_formats_declared,
    check_invariance,
    check_records,
    check_sample,
    conformance_suite,
    own_answers,
)
from priors.transforms import DIHEDRAL

# The plugin distributions of this repository run the same suite in their own tests
# (plugins/*/tests), which the README's test command collects too.
for _name in priors.available():
    if priors.registry.default_registry().info(_name).distribution == priors.registry.OWN_DISTRIBUTION:
        globals()[f"TestConformance_{_name}"] = conformance_suite(priors.load(_name))


def _count(scene, params):
    return str(len(scene.areas))


def _prior(*families, sampler=None) -> Prior:
    return Prior(
        name="broken", description="Broken on purpose.", families=families, sampler=sampler or SceneSampler().sample
    )


def _violation(check, *args, **kw) -> ContractViolation:
    with pytest.raises(ContractViolation) as info:
        check(*args, **kw)
    return info.value


def test_an_int_answer_breaks_the_format_rule_not_the_empty_answer_rule():
    prior = _prior(Family("broken.count", "How many in {grid}?", lambda s, p: len(s.areas), answer_format=NUMBER))
    scene = priors.parse([[1, 0], [0, 2]])
    err = _violation(check_records, prior, scene, prior.all_questions(scene))
    assert err.rule == "format" and err.family == "broken.count" and "has type int, not str" in str(err)


def test_an_answer_outside_the_declared_format_is_named():
    prior = _prior(Family("broken.yes", "Is {grid} full?", lambda s, p: "maybe", answer_format=YES_NO))
    scene = priors.parse([[1]])
    err = _violation(check_records, prior, scene, prior.all_questions(scene))
    assert err.rule == "format" and "'maybe'" in str(err)


def test_a_family_without_a_format_is_named():
    prior = _prior(Family("broken.count", "How many in {grid}?", _count))
    assert _violation(check_formats_declared, prior).family == "broken.count"


def test_a_question_that_does_not_name_its_grid_breaks_the_records_rule():
    prior = _prior(Family("broken.count", "How many objects?", _count, answer_format=NUMBER))
    scene = priors.parse([[1]])
    assert _violation(check_records, prior, scene, prior.all_questions(scene)).rule == "records"


def test_a_sampler_that_draws_an_invalid_grid_breaks_the_sampler_rule():
    def too_big(rng):
        return Sample(np.zeros((31, 31), dtype=np.uint8), 0, (), None, 0)

    err = _violation(
        check_sample, _prior(Family("broken.count", "{grid}?", _count, answer_format=NUMBER), sampler=too_big), 3
    )
    assert err.rule == "sampler" and "31x31" in str(err) and "seed 3" in str(err)


def test_a_sampler_that_breaks_its_separation_promise_breaks_the_intent_rule():
    base = SceneSampler(separate=False, min_objects=6, max_objects=9, sizes=SizeCurriculum(min_side=3, max_side=6))

    def lying(rng):
        s = base.sample(rng)
        return Sample(s.grid, s.background, s.intent, 8, s.rejections)

    prior = _prior(Family("broken.count", "{grid}?", _count, answer_format=NUMBER), sampler=lying)
    with pytest.raises(ContractViolation) as info:
        for seed in range(300):
            check_sample(prior, seed)
    assert info.value.rule == "intent"


def test_a_wrongly_declared_invariance_is_caught():
    def top_left(scene, params):
        return str(int(scene.grid[0, 0]))

    prior = _prior(
        Family(
            "broken.corner",
            "What is the top-left color of {grid}?",
            top_left,
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
        )
    )
    grid = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    err = _violation(check_invariance, prior, [grid], priors.Conventions())
    assert err.rule == "invariance" and err.family == "broken.corner"


def test_a_family_that_always_gives_one_answer_breaks_the_balance_rule():
    prior = _prior(Family("broken.always", "Is {grid} a grid?", lambda s, p: "yes", answer_format=YES_NO))
    err = _violation(check_balance, prior, own_answers(prior, 100))
    assert err.rule == "balance" and "'yes'" in str(err)


def test_a_dominant_answer_breaks_the_balance_rule():
    prior = _prior(
        Family("broken.big", "Is {grid} big?", lambda s, p: "yes" if s.shape[0] > 1 else "no", answer_format=YES_NO)
    )
    err = _violation(check_balance, prior, own_answers(prior, 300))
    assert err.rule == "balance" and "above 65%" in str(err)


def test_a_family_never_asked_on_its_own_samples_breaks_the_coverage_rule():
    prior = _prior(  # the family never asked comes first: it is found whatever the other's balance
        Family("broken.never", "Is {grid} 31 wide?", lambda s, p: None, answer_format=YES_NO),
        Family("broken.count", "How many in {grid}?", _count, answer_format=NUMBER),
    )
    err = _violation(check_balance, prior, own_answers(prior, 100))
    assert err.rule == "coverage" and err.family == "broken.never"
