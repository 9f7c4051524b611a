"""One versioned schema: files written with any options load under one `datasets.Features`,
in JSONL and parquet (nested columns, no JSON strings but a question's params), and
concatenate; older or foreign files are refused in one line naming the field."""

import json

import pytest

from priors import Conventions
from trainers.data.chat_builder import ChatConfig
from trainers.data.datasets import DatasetError, generate, read_records

datasets = pytest.importorskip("datasets")

CONFIGS = {
    "one": ChatConfig(grids_per_chat=1, seed=1),
    "three_no_background": ChatConfig(grids_per_chat=3, conventions=Conventions(background=None), seed=2),
    "multicolor": ChatConfig(conventions=Conventions(univalued=False), seed=3),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema")
    written = {}
    for name, config in CONFIGS.items():
        for suffix in (".jsonl", ".parquet"):
            path = folder / f"{name}{suffix}"
            generate(config, 40, path)
            written[(name, suffix)] = path
    return written


def test_files_made_with_any_options_load_in_one_call_per_format_and_concatenate(files):
    from trainers.data.schema import features

    jsonl = [str(p) for (n, s), p in files.items() if s == ".jsonl"]
    parquet = [str(p) for (n, s), p in files.items() if s == ".parquet"]
    a = datasets.load_dataset("json", data_files=jsonl, features=features(), split="train")
    b = datasets.load_dataset("parquet", data_files=parquet, features=features(), split="train")
    both = datasets.concatenate_datasets([a, b])
    assert len(both) == 240 and a.features == b.features == features()
    assert {len(g) for g in both["metadata"][::10] for g in [g["grids"]]} >= {1, 3}


def test_parquet_stores_nested_columns_not_json_strings(files):
    import pyarrow as pa
    import pyarrow.parquet as pq

    metadata = pq.read_schema(files[("three_no_background", ".parquet")]).field("metadata").type
    grids = metadata.field("grids").type
    assert pa.types.is_struct(metadata) and pa.types.is_list(grids) and pa.types.is_list(grids.value_type)
    assert grids.value_type.value_type.value_type == pa.int8()
    assert metadata.field("backgrounds").type.value_type == pa.int8()


def test_jsonl_and_parquet_hold_the_same_records(files):
    for name in CONFIGS:
        as_jsonl = list(read_records(files[(name, ".jsonl")]))
        as_parquet = list(read_records(files[(name, ".parquet")]))
        assert as_jsonl == as_parquet


def test_a_file_of_the_old_schema_is_refused_naming_the_field_and_version(tmp_path):
    old = {
        "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}],
        "metadata": {"grid": [[0]]},
    }
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(old) + "\n")
    with pytest.raises(
        DatasetError, match=r"old.jsonl line 1: field schema_version is missing; this arc-priors reads schema version 1"
    ):
        next(read_records(path))


def test_a_record_missing_a_field_is_named(tmp_path, files):
    record = json.loads(files[("one", ".jsonl")].read_text().splitlines()[0])
    del record["metadata"]["backgrounds"]
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(record) + "\n")
    with pytest.raises(DatasetError, match="field metadata.backgrounds is missing"):
        next(read_records(path))


def test_each_file_gets_a_card_recording_its_mixture_and_version(files):
    from trainers.data.cards import read_card, recorded_mixture

    card = read_card(files[("three_no_background", ".parquet")])
    assert card["schema_version"] == 1 and card["records"] == 40 and card["version"]
    assert recorded_mixture(files[("three_no_background", ".parquet")]) == CONFIGS["three_no_background"]
    text = files[("one", ".jsonl")].with_name("one.jsonl.README.md").read_text()
    assert text.startswith("---\n") and "configs:" in text and "data_files: one.jsonl" in text


def test_grpo_rows_hold_a_prompt_ending_with_its_question_and_the_gold_answer(tmp_path):
    from trainers.data.schema import grpo_features

    path = tmp_path / "rows.parquet"
    generate(ChatConfig(questions_per_chat=3), 20, path, kind="grpo")
    rows = datasets.load_dataset("parquet", data_files=str(path), features=grpo_features(), split="train")
    assert set(rows.column_names) >= {"prompt", "answer", "family"} and len(rows) >= 20
    for row in rows.select(range(10)):
        assert row["prompt"][-1]["role"] == "user" and row["prompt"][-1]["content"].endswith(
            row["metadata"]["qas"][row["turn"]]["question"]
        )
        assert row["answer"] == row["metadata"]["qas"][row["turn"]]["answer"]
