"""The contract's version and the rules the kit added with it: a new rule warns for one minor
version before it fails, and every message names the version that makes it required."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import priors
from generators import SceneSampler, SizeCurriculum
from priors import YES_NO, Family, Prior, SamplerSettings
from priors.contract import (
    CONTRACT_VERSION,
    RULE_BOOK,
    RULE_LIST,
    ContractViolation,
    ContractWarning,
    enforce,
    version_key,
)
from priors.distributions import answers_on, level_answers, level_balance_problems, mixture_problems, noise_problem
from priors.settings import scene_sampler
from priors.testing import conformance_suite

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_the_one_the_changelog_and_the_docs_announce():
    assert re.fullmatch(r"\d+\.\d+", CONTRACT_VERSION) and priors.CONTRACT_VERSION == CONTRACT_VERSION
    assert f"contract {CONTRACT_VERSION}" in (ROOT / "CHANGELOG.md").read_text().lower()
    assert f"contract {CONTRACT_VERSION}" in (ROOT / "docs" / "writing-a-prior.md").read_text().lower()


@pytest.mark.parametrize("rule", RULE_LIST, ids=lambda r: r.name)
def test_a_rule_warns_until_the_version_that_requires_it_and_says_which(rule):
    violation = ContractViolation("p", rule.name, "seen")
    later = rule.required_since is None or version_key(rule.required_since) > version_key(CONTRACT_VERSION)
    assert rule.warns == later
    if later:
        with pytest.warns(ContractWarning, match=re.escape(rule.status())):
            enforce(violation)
        assert rule.required_since is None or f"required from contract {rule.required_since}" in str(violation)
    else:
        with pytest.raises(ContractViolation, match=f"required since contract {re.escape(rule.required_since)}"):
            enforce(violation)


def test_new_rules_are_added_as_warnings_not_failures():
    """The rules this version added must not break a plugin that kept the previous contract."""
    for name in ("noise", "level-balance", "mixture"):
        assert RULE_BOOK[name].warns


def _settings_prior(build, family: Family) -> Prior:
    levels = {
        name: SamplerSettings(min_side=lo, max_side=hi, min_objects=lo // 3, max_objects=hi // 2)
        for name, lo, hi in (("easy", 3, 5), ("medium", 6, 10), ("hard", 11, 16))
    }
    return Prior(name="p", description="test", families=[family], build=build, settings=levels["medium"], levels=levels)


COUNT = Family("p.count", "How many objects in {grid}?", lambda s, p: str(len(s.areas)), answer_format=r"\d+")


def _noiseless(settings: SamplerSettings):
    """A build that forgets the noise the settings ask for."""
    return SceneSampler(
        sizes=SizeCurriculum(settings.min_side, settings.max_side),
        min_objects=settings.min_objects,
        max_objects=settings.max_objects,
    ).sample


def test_noise_asked_for_must_reach_the_grids():
    assert noise_problem(_settings_prior(scene_sampler, COUNT)) is None
    problem = noise_problem(_settings_prior(_noiseless, COUNT))
    assert problem is not None and problem.rule == "noise" and "with_noise" in problem.detail
    suite = conformance_suite(_settings_prior(_noiseless, COUNT), max_examples=5, samples=100)()
    with pytest.warns(ContractWarning, match="noise"):
        suite.test_noise_in_settings_reaches_the_grids()


def test_balance_is_judged_at_every_level():
    """'Is the grid wider than 7?' is balanced at medium (sides 6-10), but constant at easy (3-5) and hard (11-16)."""
    wide = Family(
        "p.wide", "Is {grid} wider than 7?", lambda s, p: "yes" if s.shape[1] > 7 else "no", answer_format=YES_NO
    )
    prior = _settings_prior(scene_sampler, wide)
    problems = level_balance_problems(prior, level_answers(prior, 100))
    assert {(p.rule, p.detail.split(" at level ")[1]) for p in problems} == {
        ("level-balance", "easy"),
        ("level-balance", "hard"),
    }


def test_a_family_almost_constant_on_other_priors_grids_gets_a_warning():
    big = Family(
        "p.big",
        "Does {grid} hold an object of 40 cells?",
        lambda s, p: "yes" if 40 in s.areas else "no",
        answer_format=YES_NO,
    )
    prior = _settings_prior(scene_sampler, big)
    others = [priors.load("counting"), priors.load("colors")]
    problems = mixture_problems(prior, answers_on(prior, others, 100))
    assert [(p.rule, p.family) for p in problems] == [("mixture", "p.big")]
    assert not mixture_problems(
        _settings_prior(scene_sampler, COUNT), answers_on(_settings_prior(scene_sampler, COUNT), others, 100)
    )
