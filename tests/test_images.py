"""Grids as images (`--grid-format image|both`): the pixels against a reference that paints
pixel by pixel, chats whose text is the text chat's with each grid moved into an image, files
that `datasets` loads with the Image feature, and TRL's vision collator taking them."""

import io
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from priors.encoders import get_encoder
from trainers.data.chat_builder import ChatBuilder
from trainers.data.engine import Records
from trainers.data.images import ARC_RGB, LINE_RGB, grid_pixels, grid_png, vision_prompt, vision_record
from trainers.data.mixture import ChatConfig, parse_weights

PIL = pytest.importorskip("PIL.Image")

grids = st.integers(1, 12).flatmap(
    lambda h: st.integers(1, 12).flatmap(lambda w: arrays(np.uint8, (h, w), elements=st.integers(0, 9)))
)


def painted(grid, cell: int, line: int) -> np.ndarray:
    """The reference: every pixel on its own, grey where it falls in a line, else its cell's colour."""
    h, w = grid.shape
    step = cell + line
    out = np.zeros((h * step + line, w * step + line, 3), dtype=np.uint8)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            on_line = (y % step) < line or (x % step) < line
            out[y, x] = LINE_RGB if on_line else ARC_RGB[grid[(y - line) // step, (x - line) // step]]
    return out


@given(grids, st.integers(1, 5), st.integers(0, 2))
def test_each_pixel_is_its_cells_arc_colour_or_the_grey_of_a_line(grid, cell, line):
    assert np.array_equal(grid_pixels(grid, cell, line), painted(grid, cell, line))


@given(grids)
def test_a_png_decodes_to_its_pixels(grid):
    image = PIL.open(io.BytesIO(grid_png(grid)))
    assert image.mode == "RGB" and np.array_equal(np.asarray(image), grid_pixels(grid))


def test_a_line_of_grey_is_no_arc_colour():
    assert not any(tuple(c) == LINE_RGB for c in ARC_RGB.tolist())


def _text_of(parts, grid_texts, order, grid_format) -> str:
    """A turn's text put back from its parts: an image part is its grid's text (and the line
    break it took along) under `image`, nothing under `both`, where the text stands beside it."""
    out, images = [], iter(order)
    for k, part in enumerate(parts):
        if part["type"] == "text":
            out.append(part["text"])
            continue
        g = next(images)
        if grid_format == "image":
            out.append(grid_texts[g] + ("\n" if k + 1 < len(parts) else ""))
        else:
            assert out[-1].endswith(grid_texts[g] + "\n")  # the text, then its image
            out[-1] = out[-1][:-1]
    return "".join(out)


MIXTURES = [
    dict(priors=parse_weights("counting,area,colors")),
    dict(priors=parse_weights("counting,compare"), grids_per_chat=3),
    dict(priors=parse_weights("shapes,zones"), encoder="header", grids_per_chat=2),
    dict(priors=parse_weights("counting"), encoder="spaced", questions_per_chat=1),
    dict(priors=parse_weights("objects"), encoder="columns", answers="worked"),
]


@pytest.mark.parametrize("grid_format", ["image", "both"])
@pytest.mark.parametrize("mixture", range(len(MIXTURES)))
def test_an_image_chat_is_the_text_chat_with_its_grids_shown_as_images(mixture, grid_format):
    config = ChatConfig(**MIXTURES[mixture], seed=mixture)
    texts = list(Records(ChatBuilder(config)).stream(20))
    encode = get_encoder(config.encoder).encode
    for text in texts:
        shown = vision_record(text, grid_format, encode)
        grid_list = [np.array(g, dtype=np.uint8) for g in text["metadata"]["grids"]]
        grid_texts = [encode(g) for g in grid_list]
        # every grid of the chat is shown once, in the order the chat names them
        assert len(shown["images"]) == len(grid_list)
        for image, grid in zip(shown["images"], grid_list):
            assert np.array_equal(np.asarray(PIL.open(io.BytesIO(image["bytes"]))), grid_pixels(grid))
        assert shown["metadata"] == text["metadata"] and shown["schema_version"] == text["schema_version"]
        places = 0
        for before, after in zip(text["messages"], shown["messages"], strict=True):
            assert after["role"] == before["role"]
            places += sum(p["type"] == "image" for p in after["content"])
            order = range(len(grid_list)) if places and after is shown["messages"][1] else []
            assert _text_of(after["content"], grid_texts, list(order), grid_format) == before["content"]
        assert places == len(shown["images"]) == len(grid_list)


def test_a_one_cell_grid_is_never_found_inside_a_question():
    record = {
        "messages": [
            {"role": "user", "content": "3\n\nHow many cells have color 3?"},
            {"role": "assistant", "content": "1"},
        ],
        "metadata": {"grids": [[[3]]], "conventions": {"encoder": "digits"}},
    }
    shown = vision_prompt(record["messages"], record, "image")
    assert [p["type"] for p in shown[0]["content"]] == ["image", "text"]
    assert shown[0]["content"][1]["text"] == "\nHow many cells have color 3?"
    assert shown[0]["content"][0]["image"] == grid_png(np.array([[3]]))


def test_text_chats_are_left_as_they_are():
    record = Records(ChatBuilder(ChatConfig())).stream(1).__next__()
    assert vision_record(record, "text", str) is record
    assert vision_prompt(record["messages"], record, "text") is record["messages"]


def test_create_dataset_items_show_their_grids_as_images():
    import arc_priors

    text = arc_priors.create_dataset("counting", size=5, seed=3)
    shown = arc_priors.create_dataset("counting", size=5, seed=3, grid_format="image")
    for a, b in zip(text, shown):
        assert a["answer"] == b["answer"] and a["metadata"] == b["metadata"]
        assert len(b["images"]) == 1 and b["question"] == a["question"].split("\n\n", 1)[1]
        assert arc_priors.score_answer(b["answer"], b) == 1.0


def _generate(tmp_path, name, *extra):
    from click.testing import CliRunner

    from arc_priors.cli import main

    out = tmp_path / name
    result = CliRunner().invoke(main, ["generate", "--n", "40", "--quiet", "--out", str(out), *extra])
    return out, result


@pytest.mark.parametrize("grid_format", ["image", "both"])
def test_parquet_files_of_images_load_with_the_image_feature_for_any_workers(tmp_path, grid_format):
    pytest.importorskip("datasets")
    from datasets import Image, load_dataset

    from trainers.data.schema import features

    made = []
    for workers in (1, 2):
        out, result = _generate(
            tmp_path,
            f"d{workers}.parquet",
            "--grid-format",
            grid_format,
            "--grids-per-chat",
            "2",
            "--workers",
            str(workers),
        )
        assert result.exit_code == 0, result.output
        made.append(out.read_bytes())
    assert made[0] == made[1]
    data = load_dataset("parquet", data_files=str(tmp_path / "d1.parquet"), split="train")
    assert data.features == features(worked=False, images=True) and data.features["images"].feature == Image()
    card = (tmp_path / "d1.parquet.README.md").read_text()
    assert f"grid_format: {grid_format}" in card and "features(images=True)" in card
    text = Records(ChatBuilder(ChatConfig(grids_per_chat=2))).stream(40)
    for row, record in zip(data, text):
        assert len(row["images"]) == len(record["metadata"]["grids"]) == 2
        for image, grid in zip(row["images"], record["metadata"]["grids"]):
            assert np.array_equal(np.asarray(image), grid_pixels(np.array(grid)))
        assert row["metadata"]["qas"] == record["metadata"]["qas"]


def test_images_in_json_lines_are_refused_in_one_line(tmp_path):
    out, result = _generate(tmp_path, "d.jsonl", "--grid-format", "image")
    assert result.exit_code == 2 and not out.exists()
    assert result.output.count("\n") == 1 and "d.parquet" in result.output and "--grid-format image" in result.output


def test_grpo_rows_of_images_hold_their_chats_images(tmp_path):
    pytest.importorskip("datasets")
    from datasets import load_dataset

    out, result = _generate(tmp_path, "g.parquet", "--grid-format", "image", "--format", "grpo")
    assert result.exit_code == 0, result.output
    rows = load_dataset("parquet", data_files=str(out), split="train")
    for row in rows.select(range(20)):
        assert len(row["images"]) == sum(p["type"] == "image" for m in row["prompt"] for p in m["content"]) == 1


def test_trls_vision_collator_takes_the_rows_with_loss_on_the_answers_only(tmp_path):
    pytest.importorskip("trl")
    from datasets import load_dataset
    from trl.trainer.sft_trainer import DataCollatorForVisionLanguageModeling

    from trainers.training.tiny_vlm import build_tiny_processor

    out, result = _generate(tmp_path, "d.parquet", "--grid-format", "image", "--priors", "counting")
    assert result.exit_code == 0, result.output
    rows = load_dataset("parquet", data_files=str(out), split="train").select(range(4))
    processor = build_tiny_processor()
    batch = DataCollatorForVisionLanguageModeling(processor=processor, assistant_only_loss=True)(
        [{"messages": r["messages"], "images": r["images"]} for r in rows]
    )
    assert batch["pixel_values"].shape[0] == 4
    tokenizer = processor.tokenizer
    for ids, labels, row in zip(batch["input_ids"], batch["labels"], rows):
        trained = tokenizer.decode(ids[labels != -100])
        assert trained == "".join(
            m["content"][0]["text"] + "<|end|>" for m in row["messages"] if m["role"] == "assistant"
        )
        assert int((ids == processor.image_token_id).sum()) == 64  # one image of 8x8 patches


def test_the_tiny_vision_language_model_trains_through_train_and_evaluate_scores_it(tmp_path):
    pytest.importorskip("trl")
    from click.testing import CliRunner

    from arc_priors.cli import main

    run = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        [
            *("train", "--grid-format", "both", "--priors", "counting", "--questions-per-chat", "1"),
            *("--system-prompt", "brief", "--max-steps", "12", "--batch-size", "4", "--grad-accum", "1"),
            *("--lr", "3e-3", "--n-eval", "6", "--run-dir", str(run)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (run / "model" / "processor_config.json").is_file() and "majority" in result.output
    losses = [loss for _, loss in json.loads((run / "metrics.json").read_text())["loss_curve"]]
    assert losses[-1] < losses[0]
    out = tmp_path / "eval"
    result = CliRunner().invoke(main, ["evaluate", "--model", str(run / "model"), "--n", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads((out / "eval.json").read_text())["rows"]
    assert {r["mode"] for r in rows} >= {"in_chat", "isolated"} and {r["prior"] for r in rows} == {"counting"}


class Recorder:
    """A responder that keeps the prompts it is asked and answers each with nothing."""

    def __init__(self):
        self.prompts = []

    def respond(self, prompts):
        self.prompts += prompts
        return [""] * len(prompts)


@pytest.mark.parametrize("grid_format", ["image", "both"])
def test_evaluation_shows_every_prompt_its_grids_as_images(grid_format):
    from trainers.training.evaluate import evaluate

    config = ChatConfig(priors=parse_weights("counting,colors"), grids_per_chat=2, seed=4)
    records = list(Records(ChatBuilder(config)).stream(6))
    recorder = Recorder()
    report = evaluate(recorder, records, progress=False, grid_format=grid_format)
    assert len(recorder.prompts) == len(report.rows) > 0
    for prompt, row in zip(recorder.prompts, report.rows):
        record = next(r for r in records if r["metadata"]["index"] == row.record)
        first = next(m for m in prompt if m["role"] == "user")
        images = [p["image"] for p in first["content"] if p["type"] == "image"]
        assert images == [grid_png(np.array(g)) for g in record["metadata"]["grids"]]
        assert all(isinstance(m["content"], list) for m in prompt)


def test_batched_replies_of_a_vision_model_are_its_replies_one_at_a_time(tmp_path):
    pytest.importorskip("transformers")
    from trainers.training.evaluate import in_chat_prompts
    from trainers.training.responders import VisionResponder, load_local_model
    from trainers.training.tiny_vlm import build_tiny_vlm

    model, processor = load_local_model(build_tiny_vlm(tmp_path / "vlm", seed=1))
    config = ChatConfig(priors=parse_weights("counting"), questions_per_chat=2, grids_per_chat=2)
    records = list(Records(ChatBuilder(config)).stream(4))
    prompts = [vision_prompt(p, r, "image") for r in records for p in in_chat_prompts(r)]
    responder = VisionResponder(model, processor, batch_size=8, max_new_tokens=6, progress=False)
    together = responder.respond(prompts)
    assert together == [responder.respond([p])[0] for p in prompts]
    assert any(together)  # an untrained model still says something: the test compares texts


def test_trls_grpo_trainer_takes_the_grpo_rows_of_images(tmp_path):
    """The rows `generate --format grpo --grid-format image` writes go into GRPOTrainer as they
    load: the vision tower sees exactly the step's prompts' images, and each completion's
    reward gets the answer of the row whose image it was asked about."""
    pytest.importorskip("trl")
    from datasets import load_dataset
    from trl import GRPOConfig, GRPOTrainer

    from trainers.training.responders import load_local_model
    from trainers.training.rewards import graded_reward
    from trainers.training.tiny_vlm import build_tiny_vlm

    out, result = _generate(
        tmp_path,
        "g.parquet",
        *("--grid-format", "image", "--format", "grpo", "--priors", "counting"),
        *("--questions-per-chat", "1"),
    )
    assert result.exit_code == 0, result.output
    rows = load_dataset("parquet", data_files=str(out), split="train")
    firsts = {np.asarray(row["images"][0]).tobytes(): i for i, row in reversed(list(enumerate(rows)))}
    rows = rows.select(sorted(firsts.values())[:8])  # eight chats of eight different grids
    model, processor = load_local_model(build_tiny_vlm(tmp_path / "vlm"))

    def pixels(image) -> bytes:
        return processor.image_processor(images=[image], return_tensors="pt")["pixel_values"][0].numpy().tobytes()

    row_of = {pixels(row["images"][0]): i for i, row in enumerate(rows)}
    answer_of = {np.asarray(row["images"][0]).tobytes(): row["answer"] for row in rows}
    assert len(row_of) == len(answer_of) == 8
    calls, graded = [], []

    def look(_, args, kwargs):
        batch = args[0] if args else kwargs["pixel_values"]
        calls.append([row_of.get(image.detach().numpy().tobytes()) for image in batch])

    model.model.vision_tower.register_forward_pre_hook(look, with_kwargs=True)

    def reward(completions, answer, images, **columns):
        graded.extend((a, answer_of[np.asarray(shown[0]).tobytes()]) for a, shown in zip(answer, images))
        return graded_reward(completions, answer=answer, **columns)

    args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"),
        max_steps=1,
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=4,
        bf16=False,
        use_cpu=True,
        dataloader_pin_memory=False,
        report_to="none",
        save_strategy="no",
        seed=0,
        disable_tqdm=True,
    )
    GRPOTrainer(model=model, processing_class=processor, reward_funcs=[reward], args=args, train_dataset=rows).train()
    # every image the tower saw is one of the rows' grids, as the processor makes it, and the
    # step's two prompts (4 completions each) showed their two images
    assert calls and all(None not in call for call in calls)
    assert {len(set(call)) for call in calls} == {2}
    assert len(graded) == 8 and all(given == own for given, own in graded)
