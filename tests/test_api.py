"""The Python facade in reasoning-gym's shape: `import arc_priors`, create_dataset with
random access, items that depend only on (seed, index), and the curriculum."""

import json
import subprocess
import sys
from collections import defaultdict

import pytest

import arc_priors
from priors.registry import load as load_prior
from trainers.data.mixture import ChatConfig, ChatConfigError, parse_weights
from trainers.training.curriculum import Curriculum


def test_item_17_is_the_same_in_any_process():
    here = json.dumps(arc_priors.create_dataset("counting", size=1000, seed=1)[17], sort_keys=True)
    probe = (
        "import arc_priors, json; "
        "print(json.dumps(arc_priors.create_dataset('counting', size=1000, seed=1)[17], sort_keys=True))"
    )
    there = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "123"}
    ).stdout.strip()
    assert here == there


def test_an_item_has_question_answer_metadata_prompt_and_the_full_chat():
    data = arc_priors.create_dataset("counting=2,area", size=50, seed=3, level="easy")
    item = data[4]
    assert len(data) == 50 and len(list(data)) == 50 and data[-1] == data[49]
    assert item["messages"][-1] == {"role": "assistant", "content": item["answer"]}
    assert item["prompt"] == item["messages"][:-1] and item["prompt"][-1]["content"] == item["question"]
    assert item["metadata"]["family"].split(".")[0] in ("counting", "area") and item["metadata"]["schema_version"] == 1
    assert {d["level"] for d in item["metadata"]["sampled_by"]} == {"easy"}
    with pytest.raises(IndexError, match="item 50 of a dataset of 50"):
        data[50]


def test_sampler_settings_reach_every_prior_and_unknown_ones_are_named():
    data = arc_priors.create_dataset("counting,shapes", size=40, seed=0, max_side=6, min_side=6)
    assert all(max(len(g), len(g[0])) == 6 for item in data for g in item["metadata"]["grids"])
    with pytest.raises(ChatConfigError, match="unknown setting 'maxside'"):
        arc_priors.create_dataset("counting", size=5, maxside=6)


def test_a_mixture_mapping_or_file_makes_a_dataset_too(tmp_path):
    mixture = {"priors": {"zones": 1, "counting": {"level": "hard"}}, "questions_per_chat": 2}
    data = arc_priors.create_dataset(mixture, size=10, seed=2)
    # zones names no level, so it must stay at its own default, which differs from counting's
    # "hard": a mixture that leaked one prior's level into the other would show here.
    zones_default = load_prior("zones").level_of()
    assert zones_default not in (None, "hard")
    assert _levels_by_prior(data) == {"zones": {zones_default}, "counting": {"hard"}}
    path = tmp_path / "mix.json"
    path.write_text(json.dumps(mixture))
    assert arc_priors.create_dataset(path, size=10, seed=2)[3] == data[3]


def test_the_facade_is_lazy_so_the_command_line_stays_light():
    probe = (
        "import sys, arc_priors.cli; "
        "heavy = [m for m in ('trainers.api', 'arc_priors.api', 'torch', 'datasets') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_a_prior_moves_up_a_level_once_its_rolling_accuracy_passes_the_threshold():
    curriculum = Curriculum(("counting", "area"), threshold=0.75, window=4)
    assert curriculum.level("counting") == "easy"
    for correct in (True, False, True, True):
        curriculum.record("counting", correct)
    assert curriculum.level("counting") == "medium" and curriculum.level("area") == "easy"
    assert curriculum.moves == [(4, "counting", "medium")]
    for _ in range(3):  # the window starts over after a move
        curriculum.record("counting", True)
    assert curriculum.level("counting") == "medium"
    curriculum.record("counting", True)
    assert curriculum.level("counting") == "hard"
    for _ in range(8):
        curriculum.record("counting", True)
    assert curriculum.level("counting") == "hard"  # the top level stays


def test_a_curriculum_makes_the_mixture_at_its_levels():
    curriculum = Curriculum(("counting", "area"))
    curriculum.increment("area")
    config = curriculum.chat_config(ChatConfig(priors=parse_weights("counting,area")))
    assert (config.choices("counting")[0], config.choices("area")[0]) == ("easy", "medium")
    # 12 items under the default seed draw grids from both priors (3 would draw area alone).
    assert _levels_by_prior(arc_priors.create_dataset(config, size=12)) == {"counting": {"easy"}, "area": {"medium"}}


def _levels_by_prior(data) -> dict[str, set]:
    """Each grid-drawing prior's levels, from the `sampled_by` entries of every item (one per
    grid drawn, naming the prior that drew it and the level it drew at)."""
    levels = defaultdict(set)
    for item in data:
        for drawn in item["metadata"]["sampled_by"]:
            levels[drawn["prior"]].add(drawn["level"])
    return dict(levels)
