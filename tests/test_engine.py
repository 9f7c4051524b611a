"""The chunk engine: per record, exactly `ChatBuilder.record`; as arrays, records of the same
schema whose every answer is the BFS reference's, drawn with the same distributions, for
priors with chunk versions and priors asked one grid at a time alike, one grid a chat or
several."""

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Reference, answer_for

from priors.encoders import get_encoder
from priors.questions import final_line
from priors.testing import conventions
from trainers.data.chat_builder import ChatBuilder, ChatConfig, first_turn, parse_weights
from trainers.data.engine import CHUNK, Engine
from trainers.data.questions import arrival_order, choose
from trainers.data.schema import check_record

SEPARATORS = (",", ":")
TASKS = str(Path(__file__).with_name("arc_fixtures") / "tasks")

# Real ARC grids (a folder of tasks, beside the priors' own grids) and task chats are made per record.
per_record_configs = st.one_of(
    st.builds(
        ChatConfig,
        priors=st.sampled_from(
            [parse_weights("counting,shapes"), parse_weights("zones,area=2"), parse_weights("objects,colors")]
        ),
        grids=st.sampled_from([((TASKS, 1.0),), ((TASKS, 1.0), ("synthetic", 2.0))]),
        questions_per_chat=st.integers(1, 6),
        grids_per_chat=st.integers(1, 3),
        conventions=conventions(),
        encoder=st.sampled_from(["digits", "spaced", "header", "columns"]),
        seed=st.integers(0, 2**31),
    ),
    st.builds(
        ChatConfig,
        priors=st.sampled_from([parse_weights("counting,area,colors"), parse_weights("shapes,zones")]),
        grids=st.just(((TASKS, 1.0), ("synthetic", 1.0))),
        answers=st.just("worked"),
        grids_per_chat=st.just(2),
        conventions=conventions(),
        seed=st.integers(0, 2**31),
    ),
)
array_configs = st.builds(
    ChatConfig,
    priors=st.sampled_from(
        [
            parse_weights("counting,area,colors"),
            parse_weights("counting=3,colors"),
            parse_weights("area"),
            parse_weights("counting,shapes"),
            parse_weights("zones,area=2"),
            parse_weights("objects,colors"),
            parse_weights("shapes,zones,objects"),
        ]
    ),
    questions_per_chat=st.integers(1, 8),
    conventions=conventions(),
    encoder=st.sampled_from(["digits", "spaced", "header", "columns"]),
    level=st.sampled_from([None, "easy", "hard"]),
    answers=st.sampled_from(["bare", "worked"]),
    grids_per_chat=st.sampled_from([1, 1, 2, 3]),
    seed=st.integers(0, 2**31),
)


def _records(engine: Engine, start: int, stop: int) -> list[str]:
    return engine.records(start, stop).lines


def test_one_grid_a_chat_is_made_as_arrays_and_the_rest_per_record():
    assert Engine(ChatBuilder(ChatConfig())).way == "arrays"
    assert Engine(ChatBuilder(ChatConfig(priors=parse_weights("counting,shapes,zones,objects")))).way == "arrays"
    assert Engine(ChatBuilder(ChatConfig(grids_per_chat=2))).way == "arrays"
    assert Engine(ChatBuilder(ChatConfig(grids=((TASKS, 1.0),)))).way == "per record"
    assert Engine(ChatBuilder(ChatConfig(answers="worked"))).way == "arrays"


@settings(max_examples=25, deadline=None)
@given(config=per_record_configs, chunk=st.integers(0, 10**6))
def test_records_made_per_record_are_the_json_of_chat_builder_records_byte_for_byte(config, chunk):
    builder = ChatBuilder(config)
    engine = Engine(builder)
    assert engine.way == "per record"
    start = chunk * CHUNK
    lines = _records(engine, start, start + 7)
    assert lines == [json.dumps(builder.record(i), separators=SEPARATORS) + "\n" for i in range(start, start + 7)]


@settings(max_examples=12, deadline=None)
@given(config=array_configs, chunk=st.integers(0, 10**6))
def test_array_records_are_schema_records_whose_json_is_their_line_and_whose_answers_are_the_references(config, chunk):
    engine = Engine(ChatBuilder(config))
    assert engine.way == "arrays"
    c = config.conventions
    lines = _records(engine, chunk * CHUNK, chunk * CHUNK + 60)
    for i, text in enumerate(lines):
        record = check_record(json.loads(text))
        assert json.dumps(record, separators=SEPARATORS) + "\n" == text
        meta = record["metadata"]
        assert meta["index"] == chunk * CHUNK + i and meta["seed"] == config.seed
        assert 1 <= len(meta["qas"]) <= config.questions_per_chat
        refs = [Reference(grid, c.connectivity, c.univalued, c.background) for grid in meta["grids"]]
        assert len(refs) == config.grids_per_chat and meta["backgrounds"] == [ref.bg for ref in refs]
        assert [drawn["objects"] for drawn in meta["sampled_by"]] == [len(ref.objects) for ref in refs]
        replies = [m["content"] for m in record["messages"] if m["role"] == "assistant"]
        for qa, reply in zip(meta["qas"], replies, strict=True):
            names = [f"Grid {chr(65 + g)}" for g in qa["grids"]] if len(refs) > 1 else ["the grid"]
            assert qa["answer"] == answer_for(
                qa["family"], [refs[g] for g in qa["grids"]], names, json.loads(qa["params"])
            ), qa
            if config.answers == "worked" and qa["worked"] is not None:
                assert reply == qa["worked"] and final_line(qa["worked"]) == qa["answer"]
            else:
                assert reply == qa["answer"] and qa.get("worked", "bare") in (
                    (None,) if config.answers == "worked" else ("bare",)
                )
        encode = get_encoder(config.encoder).encode
        shown = (
            "\n\n".join(f"Grid {chr(65 + g)}:\n{encode(np.array(grid))}" for g, grid in enumerate(meta["grids"]))
            if len(refs) > 1
            else encode(np.array(meta["grids"][0]))
        )
        asks = [m["content"] for m in record["messages"] if m["role"] == "user"]
        assert asks == [first_turn(shown, meta["qas"][0]["question"])] + [qa["question"] for qa in meta["qas"][1:]]


def test_a_partial_last_chunk_holds_the_same_records_as_a_longer_dataset():
    engine = Engine(ChatBuilder(ChatConfig(seed=5)))
    assert _records(engine, 2 * CHUNK, 2 * CHUNK + 10) == _records(engine, 2 * CHUNK, 3 * CHUNK)[:10]


def test_a_fixed_question_order_asks_grid_by_grid_prior_by_prior_family_by_family():
    config = ChatConfig(question_order="fixed", questions_per_chat=6)
    order = [f.id for name, _ in config.priors for f in __import__("priors").load(name).families]
    for text in _records(Engine(ChatBuilder(config)), 0, 200):
        asked = [qa["family"] for qa in json.loads(text)["metadata"]["qas"]]
        assert asked == sorted(asked, key=order.index)


def _stats(lines: list[str]) -> dict:
    records = [json.loads(text)["metadata"] for text in lines]
    return {
        "side": Counter(max(len(g), len(g[0])) for m in records for g in m["grids"]),
        "objects": Counter(min(d["objects"], 12) for m in records for d in m["sampled_by"]),
        "prior": Counter(d["prior"] for m in records for d in m["sampled_by"]),
        "family": Counter(qa["family"] for m in records for qa in m["qas"]),
        "read": Counter(tuple(qa["grids"]) for m in records for qa in m["qas"]),
        "answers": {
            f: Counter(qa["answer"] for m in records for qa in m["qas"] if qa["family"] == f)
            for f in {qa["family"] for m in records for qa in m["qas"]}
        },
        "rejections": np.mean(
            [sum(d["rejections"] for d in m["sampled_by"]) + m["discarded_rejections"] for m in records]
        ),
        "questions": np.mean([len(m["qas"]) for m in records]),
    }


def _distance(a: Counter, b: Counter, rare: int = 0) -> float:
    """Total variation distance between two empirical distributions, values seen fewer than
    `rare` times in both together pooled as one (a long tail of single sightings is noise)."""
    common = {k for k in set(a) | set(b) if a[k] + b[k] >= rare}
    a = Counter({k if k in common else None: n for k, n in a.items()})
    b = Counter({k if k in common else None: n for k, n in b.items()})
    na, nb = sum(a.values()), sum(b.values())
    return 0.5 * sum(abs(a[k] / na - b[k] / nb) for k in set(a) | set(b))


@pytest.mark.parametrize(
    "level,mixture,grids",
    [
        (None, "counting,area,colors", 1),
        ("easy", "counting,area,colors", 1),
        ("hard", "counting,area,colors", 1),
        (None, "shapes,zones,objects,counting", 1),
        ("easy", "shapes", 1),
        ("hard", "shapes,objects", 1),
        (None, "counting,area,colors", 2),
        (None, "counting,shapes,zones", 3),
    ],
)
def test_array_records_follow_the_per_record_distributions(level, mixture, grids):
    """4,000 chats each way, in total variation distance: object counts, priors, families
    and the grids questions read within 0.05, grid sides (30 values) within 0.07, each family's answers within 0.16
    (answers seen fewer than 20 times pooled; the rarest family is asked a few hundred
    times); mean sampler rejections per grid within 12%, questions per chat within 2%.
    Two per-record samples of this size with different seeds differ by up to 0.03, 0.045
    and 0.12 on these measures, and by 5% in rejections."""
    config = ChatConfig(seed=21, level=level, priors=parse_weights(mixture), grids_per_chat=grids)
    n = 4000
    builder = ChatBuilder(config)
    slow = _stats([json.dumps(builder.record(i), separators=SEPARATORS) for i in range(n)])
    engine = Engine(builder)
    fast = _stats([text for start in range(0, n, CHUNK) for text in _records(engine, start, start + CHUNK)])
    for key, tolerance in (("side", 0.07), ("objects", 0.05), ("prior", 0.05), ("family", 0.05), ("read", 0.05)):
        assert _distance(slow[key], fast[key]) < tolerance, (key, slow[key], fast[key])
    for family, answers in slow["answers"].items():
        assert _distance(answers, fast["answers"][family], rare=20) < 0.16, (family, answers, fast["answers"][family])
    assert abs(fast["rejections"] - slow["rejections"]) <= 0.12 * slow["rejections"] + 0.02
    assert abs(fast["questions"] - slow["questions"]) <= 0.02 * slow["questions"]


@pytest.mark.parametrize("mixture", ["counting,area,colors", "counting,shapes"])
def test_a_chunks_tally_is_the_tally_of_its_records(mixture):
    from trainers.data.cards import Tally

    engine = Engine(ChatBuilder(ChatConfig(priors=parse_weights(mixture), seed=4)))
    chunk = engine.records(CHUNK, CHUNK + 300)
    assert chunk.tally.as_dict() == Tally.of(json.loads(text) for text in chunk.lines).as_dict()


@pytest.mark.parametrize("mixture", ["counting,area,colors", "counting,shapes"])
def test_a_brief_system_prompt_changes_the_system_turn_and_nothing_else(mixture):
    from trainers.data.chat_builder import BRIEF, system_message

    full = ChatConfig(priors=parse_weights(mixture), seed=5)
    brief = ChatConfig(priors=parse_weights(mixture), seed=5, system_prompt="brief")
    one, other = (Engine(ChatBuilder(c)).records(0, 40).lines for c in (full, brief))
    for a, b in zip(one, other):
        a, b = json.loads(a), json.loads(b)
        assert a["messages"][0]["content"] == system_message(full) and b["messages"][0]["content"] == BRIEF
        assert a["messages"][1:] == b["messages"][1:] and a["metadata"] == b["metadata"]


@pytest.mark.parametrize("mixture", ["counting,area,colors", "counting=3,area,colors=0.5"])
def test_the_array_way_tries_families_in_the_order_whose_law_chat_builder_follows(mixture):
    """With every family askable, the first two families tried: an asker by weight, one of
    its families at random, then the same among what is left. 100,000 grids against the
    exact probabilities, by chi-square (z below 5), and no pair the law rules out."""
    fast = Engine(ChatBuilder(ChatConfig(priors=parse_weights(mixture), questions_per_chat=2))).fast
    w, asker, sizes = fast.ask_weights, fast.asker_of, np.bincount(fast.asker_of)
    total, n = len(asker), 100_000
    law = np.zeros((total, total))
    for f in range(total):
        left = sizes.copy()
        left[asker[f]] -= 1
        for g in range(total):
            if g != f and left[asker[g]]:
                law[f, g] = w[asker[f]] / w.sum() / sizes[asker[f]] * w[asker[g]] / w[left > 0].sum() / left[asker[g]]
    order = arrival_order(fast.asker_of, fast.ask_weights, np.random.default_rng(11), n)
    picks = choose(order, np.ones((n, total), dtype=bool), 2, False)
    counts = np.zeros((total, total))
    np.add.at(counts, (picks[:, 0], picks[:, 1]), 1)
    possible = law > 0
    expected = law[possible] * n
    chi2 = ((counts[possible] - expected) ** 2 / expected).sum()
    dof = possible.sum() - 1
    assert counts[~possible].sum() == 0 and (chi2 - dof) / np.sqrt(2 * dof) < 5, chi2


@settings(max_examples=60)
@given(
    ok=st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=1, max_size=30),
    lazy=st.lists(st.booleans(), min_size=7, max_size=7),
    picks=st.integers(1, 7),
    fixed=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_families_asked_per_scene_are_chosen_as_if_asked_of_every_grid_and_only_asked_until_a_grid_has_its_picks(
    ok, lazy, picks, fixed, seed
):
    ok, lazy = np.array(ok), np.array(lazy)
    order = arrival_order(
        np.array([0, 0, 0, 1, 1, 2, 2]), np.array([1.0, 2.0, 0.5]), np.random.default_rng(seed), len(ok)
    )
    asked = []

    def ask(g, f):
        asked.append((g, f))
        return bool(ok[g, f])

    walked = choose(order, np.where(lazy, False, ok), picks, fixed, lazy, ask)
    assert np.array_equal(walked, choose(order, ok, picks, fixed))
    for g, row in enumerate(order.tolist()):  # asked: the lazy families tried up to the grid's last pick, in its order
        chosen = [f for f in walked[g].tolist() if f >= 0]
        tried = row[: max(map(row.index, chosen)) + 1] if len(chosen) == picks else row
        assert [f for h, f in asked if h == g] == [f for f in tried if lazy[f]]
