"""The registry, exercised with real entry points: small distributions installed on sys.path."""

from importlib import metadata

import pytest
from fake_plugins import install

import priors
from priors.registry import DISABLE_ENV, GROUP, OWN_DISTRIBUTION, PluginError, Registry, UnknownPriorError

BUILTIN = {ep.name for ep in metadata.distribution(OWN_DISTRIBUTION).entry_points if ep.group == GROUP}

GOOD = """
from priors import Family, Prior
prior = Prior(name="{name}", description="A test prior.", \
families=[Family("{name}.objects", "How many in {{grid}}?", lambda s, p: str(len(s.areas)))])
"""

CRASHY = """
from priors import Family, Prior

def explode(rng):
    raise RuntimeError("sampler exploded")

prior = Prior(name="crashy", description="Crashes.", \
families=[Family("crashy.x", "X in {grid}?", lambda s, p: "1")], sampler=explode)
"""
NO_FAMILIES = """
class NotQuite:
    name = "nofam"
    description = "families is None"
    families = None
    def sample(self, rng): ...
    def questions(self, scene, rng): ...

prior = NotQuite()
"""


@pytest.fixture
def plugins_on_path(tmp_path, monkeypatch):
    install(tmp_path, "good-plugin", {"holes": "good_mod:prior"}, {"good_mod": GOOD.format(name="holes")})
    install(
        tmp_path,
        "broken-plugin",
        {"broken": "broken_mod:prior"},
        {"broken_mod": "raise ImportError('no module named nowhere')\n"},
    )
    install(tmp_path, "wrong-type-plugin", {"wrongtype": "wrong_mod:prior"}, {"wrong_mod": "prior = 'not a prior'\n"})
    install(
        tmp_path, "misnamed-plugin", {"misnamed": "misnamed_mod:prior"}, {"misnamed_mod": GOOD.format(name="other")}
    )
    install(tmp_path, "crashy-plugin", {"crashy": "crashy_mod:prior"}, {"crashy_mod": CRASHY})
    install(tmp_path, "nofamilies-plugin", {"nofam": "nofam_mod:prior"}, {"nofam_mod": NO_FAMILIES})
    install(tmp_path, "dup-one", {"dup": "dup_one:prior"}, {"dup_one": GOOD.format(name="dup")})
    install(tmp_path, "dup-two", {"dup": "dup_two:prior"}, {"dup_two": GOOD.format(name="dup")})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    priors.refresh()
    yield
    monkeypatch.undo()
    priors.refresh()


def _error(name) -> PluginError:
    with pytest.raises(PluginError) as info:
        priors.load(name)
    return info.value


def test_good_plugins_load_beside_broken_ones(plugins_on_path):
    assert {"counting", "area", "colors", "holes"} <= set(priors.available())
    assert priors.load("holes").name == "holes"
    assert not {"broken", "wrongtype", "misnamed", "dup", "crashy", "nofam"} & set(priors.available())


def test_a_plugin_whose_smoke_sample_fails_is_reported_with_the_error(plugins_on_path):
    err = _error("crashy")
    assert err.distribution == "crashy-plugin" and "smoke sample failed" in str(err) and "sampler exploded" in str(err)


def test_an_object_that_only_looks_like_a_prior_is_refused_there_is_one_contract(plugins_on_path):
    err = _error("nofam")
    assert err.distribution == "nofamilies-plugin" and "is a NotQuite, not a priors.Prior" in str(err)


def test_a_plugin_that_fails_to_import_is_reported_with_its_distribution_and_error(plugins_on_path):
    err = _error("broken")
    assert err.distribution == "broken-plugin"
    assert "broken_mod:prior" in str(err) and "no module named nowhere" in str(err)


def test_a_plugin_of_the_wrong_type_is_reported(plugins_on_path):
    err = _error("wrongtype")
    assert err.distribution == "wrong-type-plugin" and "is a str, not a priors.Prior" in str(err)


def test_a_plugin_whose_name_differs_from_its_entry_point_is_reported(plugins_on_path):
    assert "'other' does not match the entry point name 'misnamed'" in str(_error("misnamed"))


def test_a_duplicate_name_is_reported_with_both_distributions(plugins_on_path):
    message = str(_error("dup"))
    assert "duplicate" in message and "dup-one 1.0" in message and "dup-two 1.0" in message


def test_every_plugin_is_listed_with_its_status(plugins_on_path):
    listed = {(p.name, p.distribution, p.ok) for p in priors.plugins()}
    assert ("holes", "good-plugin", True) in listed and ("counting", "arc-priors", True) in listed
    assert ("broken", "broken-plugin", False) in listed
    assert ("dup", "dup-one", False) in listed and ("dup", "dup-two", False) in listed


def test_autoloading_can_be_turned_off_leaving_the_builtin_priors(plugins_on_path, monkeypatch):
    monkeypatch.setenv(DISABLE_ENV, "1")
    assert set(priors.refresh().available()) == BUILTIN


def test_an_unknown_name_gets_the_list_of_known_ones():
    with pytest.raises(UnknownPriorError) as info:
        priors.load("nope")
    assert "unknown prior 'nope'; available priors: area, colors, " in str(info.value)


def test_entry_points_built_in_memory_are_checked_too():
    bad = metadata.EntryPoint("counting", "priors.builtin.area:prior", GROUP)
    assert "does not match" in str(Registry.from_entry_points([bad]).problems()[0])
    not_a_prior = metadata.EntryPoint("pi", "math:pi", GROUP)
    assert "not a priors.Prior" in str(Registry.from_entry_points([not_a_prior]).problems()[0])


@pytest.mark.parametrize("distribution", ["arc-priors-containment", "arc-priors-symmetry"])
def test_without_a_plugin_distribution_its_prior_is_gone_and_the_others_still_work(monkeypatch, distribution):
    from priors import registry
    from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights

    installed = registry.entry_points()
    if not any(registry._origin(ep)[0] == distribution for ep in installed):
        pytest.skip(f"{distribution} is not installed")
    name = {"arc-priors-containment": "containment", "arc-priors-symmetry": "symmetry"}[distribution]
    remaining = Registry.from_entry_points([ep for ep in installed if registry._origin(ep)[0] != distribution])
    monkeypatch.setattr(registry, "default_registry", lambda: remaining)
    assert name not in priors.available() and {"counting", "shapes", "zones"} <= set(priors.available())
    assert not remaining.problems()
    with pytest.raises(UnknownPriorError, match=f"unknown prior '{name}'"):
        priors.load(name)
    others = ",".join(n for n in priors.available())
    builder = ChatBuilder(ChatConfig(priors=parse_weights(others), grids_per_chat=2))
    assert all(builder.record(i)["metadata"]["qas"] for i in range(20))
