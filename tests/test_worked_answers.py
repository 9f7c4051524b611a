"""Datasets with worked answers (`answers: worked`): the option everywhere a mixture is named,
records that keep both texts, bare datasets untouched, the same bytes for any worker count,
and files of both kinds loading under one schema."""

import json
import subprocess
import sys

import pytest

import arc_priors
from priors.questions import final_line, worked_text
from priors.scoring import declared_family
from trainers.data.cards import read_card, recorded_mixture
from trainers.data.chat_builder import (
    BRIEF,
    BRIEF_WORKED,
    WORKED,
    ChatBuilder,
    ChatConfig,
    parse_weights,
    system_message,
)
from trainers.data.datasets import generate, read_records
from trainers.data.engine import Engine
from trainers.data.mixture import ChatConfigError, chat_config_from_dict
from trainers.data.schema import SchemaError, check_record, grpo_rows
from trainers.training.step_credit import target

WORKED_MIX = ChatConfig(priors=parse_weights("counting=2,area,colors"), seed=5, answers="worked")


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "arc_priors", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def _check_worked_record(record):
    """Every question keeps its bare answer and its worked one (null where its family shows no
    work), the assistant says the worked one where there is one, and it ends on the answer."""
    check_record(record)
    assistants = [m["content"] for m in record["messages"] if m["role"] == "assistant"]
    for qa, said in zip(record["metadata"]["qas"], assistants, strict=True):
        family = declared_family(qa["family"])
        assert (qa["worked"] is None) == (family is None or family.worked is None), qa
        assert said == (qa["answer"] if qa["worked"] is None else qa["worked"])
        if qa["worked"] is not None:
            scene, params = target(record["metadata"], qa), json.loads(qa["params"])
            assert qa["worked"] == worked_text(
                family.worked.steps(scene, params), qa["answer"]
            )  # the grid the record holds
            assert final_line(qa["worked"]) == qa["answer"]


def test_a_worked_dataset_keeps_both_texts_and_says_the_worked_one():
    builder = ChatBuilder(WORKED_MIX)
    records = [builder.record(i) for i in range(150)]
    for record in records:
        _check_worked_record(record)
    assert any(qa["worked"] is not None for r in records for qa in r["metadata"]["qas"])
    assert records[0]["messages"][0]["content"].endswith(WORKED)


def test_worked_answers_overlay_the_bare_dataset_same_grids_and_questions():
    bare, worked = (
        ChatBuilder(ChatConfig(priors=parse_weights("counting,shapes"), seed=2, answers=a)) for a in ("bare", "worked")
    )
    for i in range(60):
        b, w = bare.record(i), worked.record(i)
        assert all("worked" not in qa for qa in b["metadata"]["qas"])
        stripped = [{k: v for k, v in qa.items() if k != "worked"} for qa in w["metadata"]["qas"]]
        assert {**w["metadata"], "qas": stripped} == b["metadata"]
        assert [m["content"] for m in b["messages"] if m["role"] == "assistant"] == [
            qa["answer"] for qa in b["metadata"]["qas"]
        ]
        assert [m for m in w["messages"] if m["role"] == "user"] == [m for m in b["messages"] if m["role"] == "user"]


def test_the_system_turn_asks_for_the_last_line_only_with_worked_answers():
    bare = system_message(ChatConfig(system_prompt="full"))
    worked = system_message(ChatConfig(system_prompt="full", answers="worked"))
    assert bare.endswith(BRIEF) and worked.endswith(WORKED) and bare[: -len(BRIEF)] == worked[: -len(WORKED)]
    # brief asks the same in fewer tokens: steps, then the value alone
    brief = system_message(ChatConfig(system_prompt="brief", answers="worked"))
    assert brief == BRIEF_WORKED and "steps" in brief and brief.endswith("the value alone.")
    assert system_message(ChatConfig(system_prompt="brief")) == BRIEF


@pytest.mark.parametrize("mixture", ["counting=2,area,colors", "shapes,zones,symmetry,containment"])
def test_a_worked_mixture_is_made_as_arrays_and_overlays_the_bare_one(mixture):
    """The array way makes worked chats too: the same grids, questions and answers as the bare
    mixture's records (working shows draws no random numbers), each worked text the family's
    own steps on the record's grid."""
    bare = Engine(ChatBuilder(ChatConfig(priors=parse_weights(mixture), seed=5)))
    worked = Engine(ChatBuilder(ChatConfig(priors=parse_weights(mixture), seed=5, answers="worked")))
    assert (bare.way, worked.way) == ("arrays", "arrays")
    shown = 0
    for b, w in zip(bare.records(0, 300).lines, worked.records(0, 300).lines, strict=True):
        b, w = json.loads(b), json.loads(w)
        _check_worked_record(w)
        stripped = [{k: v for k, v in qa.items() if k != "worked"} for qa in w["metadata"]["qas"]]
        assert {**w["metadata"], "qas": stripped} == b["metadata"]
        assert [m for m in w["messages"] if m["role"] == "user"] == [m for m in b["messages"] if m["role"] == "user"]
        shown += sum(qa["worked"] is not None for qa in w["metadata"]["qas"])
    assert shown > 100


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_worked_output_is_byte_identical_for_any_worker_count(tmp_path, monkeypatch, suffix):
    import trainers.data.engine

    monkeypatch.setattr(
        trainers.data.engine, "PIECE", 64
    )  # many pieces, cheaply: the per-record way does not depend on their size
    digests = set()
    for workers in (1, 2, 3):
        path = tmp_path / f"w{workers}{suffix}"
        generate(WORKED_MIX, 300, path, workers=workers)
        digests.add(path.read_bytes())
    assert len(digests) == 1
    records = list(read_records(tmp_path / f"w1{suffix}"))
    assert len(records) == 300
    for record in records[:50]:
        _check_worked_record(record)


def test_worked_and_bare_files_load_under_one_schema_with_a_nullable_worked_field(tmp_path):
    datasets = pytest.importorskip("datasets")
    import pyarrow.parquet as pq

    from trainers.data.schema import features

    for answers in ("bare", "worked"):
        for suffix in (".jsonl", ".parquet"):
            generate(ChatConfig(seed=1, answers=answers), 30, tmp_path / f"{answers}{suffix}")
    qa = pq.read_schema(tmp_path / "worked.parquet").field("metadata").type.field("qas").type.value_type
    assert (
        qa.field("worked").nullable
        and "worked"
        not in pq.read_schema(tmp_path / "bare.parquet").field("metadata").type.field("qas").type.value_type.names
    )
    assert (
        pq.read_schema(tmp_path / "bare.parquet") == features(worked=False).arrow_schema
    )  # bare files keep their columns
    jsonl = datasets.load_dataset(
        "json",
        data_files=[str(tmp_path / "bare.jsonl"), str(tmp_path / "worked.jsonl")],
        features=features(),
        split="train",
    )
    parquet = datasets.load_dataset(
        "parquet",
        data_files=[str(tmp_path / "bare.parquet"), str(tmp_path / "worked.parquet")],
        features=features(),
        split="train",
    )
    both = datasets.concatenate_datasets([jsonl, parquet])
    assert len(both) == 120
    worked = [qa["worked"] for row in both for qa in row["metadata"]["qas"]]
    assert None in worked and any(w is not None for w in worked)
    assert list(read_records(tmp_path / "worked.jsonl")) == list(read_records(tmp_path / "worked.parquet"))


def test_a_bare_record_reads_as_before_and_a_bad_worked_field_is_named():
    record = ChatBuilder(ChatConfig()).record(0)
    assert check_record(record) is record
    for bad in (7, "1 at 0,0\nnot the answer"):
        qas = [dict(qa, worked=bad) for qa in record["metadata"]["qas"]]
        with pytest.raises(
            SchemaError,
            match=r"field metadata.qas\[0\].worked must be null or text whose last line is the question's answer",
        ):
            check_record({**record, "metadata": {**record["metadata"], "qas": qas}})


def test_grpo_rows_of_a_worked_dataset_hold_the_worked_answer(tmp_path):
    datasets = pytest.importorskip("datasets")
    from trainers.data.schema import grpo_features

    generate(WORKED_MIX, 30, tmp_path / "rows.jsonl", kind="grpo")
    generate(WORKED_MIX, 30, tmp_path / "rows.parquet", kind="grpo")
    rows = datasets.load_dataset(
        "parquet", data_files=str(tmp_path / "rows.parquet"), features=grpo_features(), split="train"
    )
    assert (
        rows.to_list()
        == datasets.load_dataset(
            "json", data_files=str(tmp_path / "rows.jsonl"), features=grpo_features(), split="train"
        ).to_list()
    )
    for row in rows:
        assert (
            row["worked"] == row["metadata"]["qas"][row["turn"]]["worked"]
            and row["answer"] == row["metadata"]["qas"][row["turn"]]["answer"]
        )
    assert any(row["worked"] is not None for row in rows)
    bare = grpo_rows(ChatBuilder(ChatConfig()).record(0))
    assert all("worked" not in row for row in bare)


def test_the_mixture_and_its_card_and_a_run_folder_carry_the_answers(tmp_path):
    from trainers.data.mixture import read_mixture
    from trainers.training.run_phases import write_mixture
    from trainers.training.train_config import TrainConfig

    assert (
        chat_config_from_dict(WORKED_MIX.as_dict(), "x") == WORKED_MIX and WORKED_MIX.as_dict()["answers"] == "worked"
    )
    assert (
        chat_config_from_dict({"priors": "counting"}, "x").answers == "bare"
    )  # a mixture without the key: bare, as before
    generate(WORKED_MIX, 10, tmp_path / "d.jsonl")
    assert (
        read_card(tmp_path / "d.jsonl")["mixture"]["answers"] == "worked"
        and recorded_mixture(tmp_path / "d.jsonl") == WORKED_MIX
    )
    assert "each question keeps both texts" in (tmp_path / "d.jsonl.README.md").read_text()
    write_mixture(tmp_path / "config.yaml", TrainConfig(chats=WORKED_MIX))
    assert ChatConfig(**read_mixture(tmp_path / "config.yaml").chat) == WORKED_MIX


def test_a_bad_answers_value_is_one_line_naming_it():
    with pytest.raises(ChatConfigError, match="answers: must be bare or worked, got 'steps'"):
        ChatConfig(answers="steps")
    with pytest.raises(ChatConfigError, match="answers: must be bare or worked"):
        arc_priors.create_dataset("counting", size=3, answers="steps")


@pytest.mark.parametrize("command", [["generate", "--out", "d.jsonl"], ["train"], ["evaluate", "--model", "m"]])
def test_each_command_takes_answers_and_refuses_a_bad_value_in_one_line(tmp_path, command):
    proc = cli(*command, "--answers", "steps", cwd=tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "'--answers'" in lines[0] and "Traceback" not in proc.stderr, (
        proc.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_generate_answers_worked_writes_a_worked_dataset_and_card(tmp_path):
    proc = cli(
        "generate",
        "--priors",
        "counting",
        "--answers",
        "worked",
        "--n",
        20,
        "--workers",
        1,
        "--out",
        "d.jsonl",
        "--quiet",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    for record in read_records(tmp_path / "d.jsonl"):
        _check_worked_record(record)
    assert recorded_mixture(tmp_path / "d.jsonl").answers == "worked"
    (tmp_path / "mix.yaml").write_text("priors: counting\nanswers: worked\n")
    again = cli(
        "generate", "--config", "mix.yaml", "--n", 20, "--workers", 1, "--out", "e.jsonl", "--quiet", cwd=tmp_path
    )
    assert again.returncode == 0 and (tmp_path / "e.jsonl").read_bytes() == (tmp_path / "d.jsonl").read_bytes()


def test_create_dataset_items_of_a_worked_dataset_hold_the_worked_answer_and_score_one():
    data = arc_priors.create_dataset("counting", size=40, seed=3, answers="worked")
    assert "worked" not in arc_priors.create_dataset("counting", size=2, seed=3)[0]
    for item in data:
        assert item["messages"][-1]["content"] == (item["worked"] or item["answer"])
        assert arc_priors.score_answer(item["messages"][-1]["content"], item) == 1.0
        assert arc_priors.score_steps(item["messages"][-1]["content"], item) in (None, 1.0)
    assert any(item["worked"] for item in data)


def test_task_chats_in_a_worked_mixture_show_no_work():
    from pathlib import Path

    from trainers.data.arc import TaskChats

    tasks = Path(__file__).with_name("arc_fixtures") / "tasks"
    record = TaskChats(ChatConfig(answers="worked"), str(tasks)).record(0)
    assert (
        record["metadata"]["qas"][0]["worked"] is None
        and record["messages"][-1]["content"] == record["metadata"]["qas"][0]["answer"]
    )
    assert "worked" not in TaskChats(ChatConfig(), str(tasks)).record(0)["metadata"]["qas"][0]
