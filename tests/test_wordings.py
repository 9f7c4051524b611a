"""A family's wordings (`template`, `phrasings`, `held_out`): the kit's `wordings` rule (the
same fields, distinct texts, the same answer in every wording) fails at once, its
`phrasings` rule (a held-out wording) warns until contract 1.2, and every family of this
repository has its wordings: at least 4 for the default mixture's, 2 for every other."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings

import priors
from priors import NUMBER, Family, Prior
from priors.contract import DEFAULT_MIXTURE, ContractViolation, ContractWarning
from priors.strategies import scenes
from priors.testing import check_phrasings, check_wordings
from priors.wordings import fields

ALL = [priors.load(name) for name in priors.available()]
FAMILIES = [(p, f) for p in ALL for f in p.families]


def count(scene, params):
    return str(len(scene.areas))


def prior_with(**wordings) -> Prior:
    family = Family("w.count", "How many objects are in {grid}?", count, answer_format=NUMBER, **wordings)
    return Prior(name="w", description="wordings", sampler=lambda rng: None, families=[family])


@pytest.mark.parametrize(("prior", "family"), FAMILIES, ids=lambda x: getattr(x, "id", ""))
def test_every_family_has_its_wordings_one_held_out(prior, family):
    least = 4 if prior.name in DEFAULT_MIXTURE else 2
    assert len(family.wordings("all")) >= least and family.held_out
    assert family.held_out not in family.wordings("train") and family.wordings("held-out") == (family.held_out,)
    assert len(set(family.wordings("all"))) == len(family.wordings("all"))
    assert all(fields(w) == fields(family.template) for w in family.wordings("all"))


@settings(max_examples=50, deadline=None)
@given(scene=scenes(max_side=10))
def test_every_wording_gets_the_same_answer_and_fills_its_own_text(scene):
    """Independently of `Family.ask`: the text is the wording filled by str.format, and the
    answer and parameters are the template's."""
    for prior, family in FAMILIES:
        if family.scenes != 1:
            continue
        for params in list(family.params.domain(scene))[:3]:
            first = family.ask(prior.name, scene, params)
            for wording in family.wordings("all"):
                q = family.ask(prior.name, scene, params, wording)
                assert (q is None) == (first is None)
                if q is not None:
                    assert (q.answer, dict(q.params), q.worked) == (first.answer, dict(first.params), first.worked)
                    assert q.question == wording.format(grid=scene.name, **params)


def test_wordings_that_name_other_fields_or_repeat_fail_at_once():
    with pytest.raises(ContractViolation, match="required since contract 1.1.*names fields"):
        check_wordings(
            prior_with(phrasings=["How many objects of color {color} are in {grid}?"], held_out="Count {grid}.")
        )
    with pytest.raises(ContractViolation, match="same text"):
        check_wordings(prior_with(held_out="How many objects are in {grid}?"))
    check_wordings(prior_with(phrasings=["Count the objects in {grid}."], held_out="{grid}: how many objects?"))


def test_a_family_with_no_held_out_wording_warns_until_contract_1_2():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_phrasings(prior_with())
    assert [w.category for w in caught] == [ContractWarning]
    assert "declares no held_out wording" in str(caught[0].message) and "required from contract 1.2" in str(
        caught[0].message
    )


def test_wordings_of_each_set():
    family = prior_with(phrasings=["Count the objects in {grid}."], held_out="{grid}: how many objects?").families[0]
    assert family.wordings() == ("How many objects are in {grid}?", "Count the objects in {grid}.")
    assert family.wordings("held-out") == ("{grid}: how many objects?",)
    assert family.wordings("all")[-1] == "{grid}: how many objects?"
    assert prior_with().families[0].wordings("held-out") == ("How many objects are in {grid}?",)
    with pytest.raises(ValueError, match="unknown phrasings"):
        family.wordings("some")
    scene = priors.parse(np.array([[1, 0], [0, 2]]))
    assert family.ask("w", scene, {}, family.held_out).question == "the grid: how many objects?"
