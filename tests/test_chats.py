"""Chats: their shape, their answers (against the BFS reference), and their determinism."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import Reference, answer_for

from priors import Conventions, get_encoder
from priors.testing import conventions
from trainers.data.chat_builder import ChatBuilder, ChatConfig, ChatConfigError, parse_weights

configs = st.builds(
    ChatConfig,
    priors=st.sampled_from(
        [parse_weights("counting,area,colors"), parse_weights("counting=3,colors"), parse_weights("area")]
    ),
    questions_per_chat=st.integers(1, 8),
    grids_per_chat=st.integers(1, 3),
    conventions=conventions(),
    encoder=st.sampled_from(["digits", "spaced", "header", "columns"]),
    seed=st.integers(0, 2**31),
)


@settings(max_examples=60)
@given(config=configs, index=st.integers(0, 10**9))
def test_every_answer_in_a_chat_is_the_reference_answer_for_its_grid(config, index):
    record = ChatBuilder(config).record(index)
    meta = record["metadata"]
    c = config.conventions
    refs = [Reference(g, c.connectivity, c.univalued, c.background) for g in meta["grids"]]
    for qa in meta["qas"]:
        names = [f"Grid {chr(65 + g)}" for g in qa["grids"]]
        params = json.loads(qa["params"])
        assert qa["answer"] == answer_for(qa["family"], [refs[g] for g in qa["grids"]], names, params), qa


@settings(max_examples=60)
@given(config=configs, index=st.integers(0, 10**9))
def test_a_chat_is_system_then_grid_and_question_then_alternating_answers(config, index):
    record = ChatBuilder(config).record(index)
    messages, meta = record["messages"], record["metadata"]
    roles = [m["role"] for m in messages]
    assert roles[0] == "system" and roles[1:] == ["user", "assistant"] * len(meta["qas"])
    assert 1 <= len(meta["qas"]) <= config.questions_per_chat
    assert [m["content"] for m in messages[2::2]] == [qa["answer"] for qa in meta["qas"]]
    assert [m["content"] for m in messages[3::2]] == [qa["question"] for qa in meta["qas"][1:]]
    assert messages[1]["content"].endswith("\n\n" + meta["qas"][0]["question"])
    encode = get_encoder(config.encoder).encode
    assert len(meta["grids"]) == len(meta["backgrounds"]) == len(meta["sampled_by"]) == config.grids_per_chat
    for g in meta["grids"]:
        assert encode(np.array(g, dtype=np.uint8)) in messages[1]["content"]
    c = config.conventions
    background = "none" if c.background is None else str(c.background)
    assert meta["conventions"] == {
        "connectivity": c.connectivity,
        "univalued": c.univalued,
        "background": background,
        "encoder": config.encoder,
    }
    assert (meta["seed"], meta["index"]) == (config.seed, index)
    assert (
        "8 neighbours" in messages[0]["content"]
        if config.conventions.connectivity == 8
        else "4 neighbours" in messages[0]["content"]
    )
    if config.grids_per_chat > 1:
        for qa in meta["qas"]:
            assert all(f"Grid {chr(65 + g)}" in qa["question"] for g in qa["grids"]), qa


@given(config=configs, index=st.integers(0, 10**9))
def test_record_i_depends_only_on_seed_and_i(config, index):
    first = json.dumps(ChatBuilder(config).record(index))
    other = ChatBuilder(config)
    other.record(index + 1)  # building other records first changes nothing
    assert json.dumps(other.record(index)) == first


def test_question_order_varies_between_chats():
    builder = ChatBuilder(ChatConfig(priors=parse_weights("counting"), questions_per_chat=2))
    orders = {tuple(qa["family"] for qa in builder.record(i)["metadata"]["qas"]) for i in range(200)}
    assert ("counting.objects", "counting.color") in orders and ("counting.color", "counting.objects") in orders


def test_weights_steer_the_mix():
    builder = ChatBuilder(ChatConfig(priors=parse_weights("counting=9,colors"), questions_per_chat=1))
    picked = [builder.record(i)["metadata"]["qas"][0]["prior"] for i in range(600)]
    assert 0.8 < picked.count("counting") / len(picked) < 0.97


@pytest.mark.parametrize(
    "spec, words",
    [("counting=0", "positive"), ("counting=x", "not a number"), ("a,,b", "empty"), ("area,area", "twice")],
)
def test_bad_weights_are_refused_with_the_reason(spec, words):
    with pytest.raises(ChatConfigError, match=words):
        parse_weights(spec)


def test_every_record_has_the_same_keys_whatever_the_options():
    from trainers.data.schema import check_record

    shapes = set()
    for config in (
        ChatConfig(),
        ChatConfig(grids_per_chat=3, conventions=Conventions(4, False, None)),
        ChatConfig(encoder="header"),
    ):
        record = check_record(ChatBuilder(config).record(5))
        shapes.add((tuple(record), tuple(record["metadata"]), tuple(record["metadata"]["qas"][0])))
    assert len(shapes) == 1
