"""The real training path on the tiny model: SFTTrainer with answer-only loss and packing,
every method, adapters that round-trip, and the run folder the CLI promises."""

import json
import subprocess
import sys

import attrs
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from trainers.data.chat_builder import ChatConfig, parse_weights  # noqa: E402
from trainers.training.finetune import TrainConfig, build_trainer, load_model  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


def _config(tmp_path, seed=0, **changes) -> TrainConfig:
    base = TrainConfig(
        run_dir=tmp_path / "run",
        chats=ChatConfig(priors=parse_weights("counting,colors"), seed=seed),
        n_train=80,
        n_eval=0,
        max_steps=4,
        max_length=512,
        grad_accum=1,
        method="full",
    )
    return attrs.evolve(base, **changes)


def _trained(config):
    config.run_dir.mkdir(parents=True, exist_ok=True)
    model, tokenizer = load_model(config)
    trainer = build_trainer(config, model, tokenizer)
    trainer.args.disable_tqdm = True
    trainer.train()
    return trainer, tokenizer


def test_a_few_training_steps_lower_the_loss_on_the_answers(tmp_path):
    config = _config(tmp_path, max_steps=12, lr=3e-3)
    trainer, _ = _trained(config)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    assert len(losses) >= 2 and losses[-1] < losses[0] * 0.8, losses


@pytest.mark.parametrize("method", ["lora", "dora", "rslora"])
def test_every_adapter_method_trains_only_its_adapter(tmp_path, method):
    config = _config(tmp_path, method=method, max_steps=2, lr=1e-3)
    trainer, _ = _trained(config)
    trainable = [n for n, p in trainer.model.named_parameters() if p.requires_grad]
    assert trainable and all("lora" in n for n in trainable)
    if method == "dora":
        assert any("lora_magnitude_vector" in n for n in trainable)
    assert trainer.model.peft_config["default"].use_rslora == (method == "rslora")


def test_an_adapter_saves_reloads_and_merges_with_the_same_logits(tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from trainers.training.finetune import save_model

    config = _config(tmp_path, method="lora", max_steps=3, lr=5e-3)
    trainer, tokenizer = _trained(config)
    saved = save_model(trainer, tokenizer, config)
    ids = tokenizer("3\n0120\n", return_tensors="pt")["input_ids"]
    trained = trainer.model.eval()
    with torch.inference_mode():
        expected = trained(input_ids=ids).logits
        base = AutoModelForCausalLM.from_pretrained(config.run_dir / "base_model")
        plain = base(input_ids=ids).logits
        reloaded = PeftModel.from_pretrained(base, saved).eval()
        again = reloaded(input_ids=ids).logits
        merged = reloaded.merge_and_unload()(input_ids=ids).logits
    assert not torch.allclose(plain, expected), "the adapter changed nothing"
    assert torch.equal(again, expected)
    assert torch.allclose(merged, expected, atol=1e-4)


def test_train_writes_the_run_folder(tmp_path):
    from trainers.training.finetune import train

    config = _config(tmp_path, n_train=40, n_eval=3, max_steps=2)
    lines = []
    metrics = train(config, echo=lines.append)
    run = config.run_dir
    for name in (
        "config.json",
        "config.yaml",
        "metrics.json",
        "loss.png",
        "eval.json",
        "eval.png",
        "model/config.json",
    ):
        assert (run / name).is_file(), name
    saved = json.loads((run / "metrics.json").read_text())
    assert saved["train_steps"] == metrics["train_steps"] == 2
    assert json.loads((run / "config.json").read_text())["resolved_method"] == "full"
    assert any("counting." in line for line in lines)
    assert [line[:5] for line in lines if line.startswith("[")] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert any(": learned" in line or ": not clearly learned" in line or ": worse" in line for line in lines)
    assert {"after", "majority_baseline"} <= set(saved) and "before" not in saved


def test_a_missing_model_folder_is_one_line_and_exit_2(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "train",
            "--model",
            str(tmp_path / "nowhere"),
            "--run-dir",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "nowhere" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "run").exists()


def test_a_used_run_folder_is_refused_without_overwrite(tmp_path):
    from trainers.training.finetune import TrainConfigError, check_run_dir

    config = _config(tmp_path)
    config.run_dir.mkdir()
    (config.run_dir / "keep").write_text("x")
    with pytest.raises(TrainConfigError, match="not empty"):
        check_run_dir(config)
    check_run_dir(attrs.evolve(config, overwrite=True))
    assert (config.run_dir / "keep").read_text() == "x"


def test_a_folder_that_does_not_load_as_a_model_is_one_line_and_leaves_no_run_folder(tmp_path):
    bad = tmp_path / "bad_model"
    bad.mkdir()
    (bad / "config.json").write_text('{"model_type": "no-such-architecture"}')
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "train",
            "--model",
            str(bad),
            "--run-dir",
            str(tmp_path / "run"),
            "--n-train",
            "5",
        ],
        capture_output=True,
        text=True,
    )
    # transformers may log its own warning first; ours is the one error line, and no traceback.
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 2 and last.startswith("arc-priors: error:") and "bad_model" in last, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "run").exists()


def test_the_evaluation_seed_cannot_be_the_training_seed(tmp_path):
    from trainers.training.finetune import TrainConfigError

    with pytest.raises(TrainConfigError, match="evaluation seed"):
        _config(tmp_path, seed=1_000_003)


def test_held_out_chats_follow_the_mixture_the_training_data_records(tmp_path):
    from priors import Conventions
    from trainers.data.datasets import generate
    from trainers.training.training_data import evaluation_records

    data = tmp_path / "d.jsonl"
    generate(ChatConfig(priors=parse_weights("area"), encoder="spaced", conventions=Conventions(4, False, 0)), 10, data)
    config = _config(tmp_path, data=data, n_eval=3)  # the options say counting,colors; the file says area
    held_out = evaluation_records(config)
    assert {json.dumps(r["metadata"]["conventions"], sort_keys=True) for r in held_out} == {
        json.dumps({"connectivity": 4, "univalued": False, "background": "0", "encoder": "spaced"}, sort_keys=True)
    }
    assert {qa["prior"] for r in held_out for qa in r["metadata"]["qas"]} == {"area"}
    assert {r["metadata"]["seed"] for r in held_out} == {config.eval_seed}


def test_the_train_and_evaluate_commands_run_end_to_end(tmp_path):
    from click.testing import CliRunner

    from arc_priors.cli import main

    run = tmp_path / "run"
    args = [
        "train",
        "--n-train",
        "30",
        "--n-eval",
        "2",
        "--max-steps",
        "2",
        "--max-length",
        "384",
        "--run-dir",
        str(run),
        "--method",
        "lora",
        "--lora-r",
        "4",
        "--priors",
        "counting",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (run / "adapter" / "adapter_config.json").is_file() and "majority" in result.output
    out = tmp_path / "eval"
    args = [
        "evaluate",
        "--model",
        str(run / "base_model"),
        "--adapter",
        str(run / "adapter"),
        "--n",
        "2",
        "--out",
        str(out),
        "--priors",
        "counting",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "eval.json").read_text())
    assert report and (out / "eval.png").is_file() and "counting.objects" in result.output
    # Without --priors, a run folder's adapter is asked about what the run trained on.
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "--model",
            str(run / "base_model"),
            "--adapter",
            str(run / "adapter"),
            "--n",
            "3",
            "--out",
            str(tmp_path / "eval2"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "counting." in result.output and "area." not in result.output and "colors." not in result.output


def test_the_run_folder_holds_its_config_in_the_config_file_form_and_it_runs_again(tmp_path):
    from trainers.data.mixture import read_mixture
    from trainers.training.finetune import train
    from trainers.training.train_config import make_train_config

    config = _config(tmp_path, n_train=20, max_steps=1, max_length=256)
    train(config, echo=lambda line: None)
    again = read_mixture(config.run_dir / "config.yaml")
    rebuilt = make_train_config(dict(again.train) | {"chats": ChatConfig(**again.chat), "run_dir": tmp_path / "again"})
    assert attrs.evolve(rebuilt, run_dir=config.run_dir) == config


def test_a_curriculum_run_moves_priors_up_as_they_pass_the_threshold(tmp_path):
    from trainers.training.finetune import train

    lines = []
    config = _config(
        tmp_path,
        n_train=200,
        max_steps=3,
        max_length=256,
        curriculum=True,
        curriculum_every=1,
        curriculum_threshold=0.0,
        curriculum_window=4,
    )
    metrics = train(config, echo=lines.append)
    moves = metrics["curriculum"]["moves"]
    assert moves and all(m["level"] in ("medium", "hard") for m in moves)
    assert any(line.startswith("curriculum: ") and "moves up to medium" in line for line in lines)


def test_evaluation_reports_accuracy_per_level(tmp_path):
    from trainers.data.chat_builder import ChatBuilder
    from trainers.training.evaluate import evaluate

    class Echo:
        def respond(self, prompts):
            return ["1"] * len(prompts)

    records = [ChatBuilder(ChatConfig(level=level, seed=5)).record(i) for level in ("easy", "hard") for i in range(6)]
    report = evaluate(Echo(), records, progress=False)
    assert set(report["isolated"].levels) == {"easy", "hard"}
    assert sum(c.n for c in report["isolated"].levels.values()) == report["isolated"].overall.n
    assert "level easy" in report.table() and "level hard" in report.table()


def test_the_training_path_teaches_the_model_to_read_its_grid(tmp_path):
    """A guard on the whole path (template, masks, packing, learning rate): trained through
    build_trainer, the tiny model learns to copy a grid's top-left cell, which needs the
    answer to attend to the grid. (At the old default learning rate of 2e-3 it never did.)"""
    import numpy as np

    from priors import encode
    from trainers.training.evaluate import HFResponder

    def chat(i):
        grid = np.random.default_rng([7, i]).integers(0, 10, (4, 4))
        return [
            {"role": "system", "content": "Answer."},
            {"role": "user", "content": encode(grid) + "\n\nTop-left?"},
            {"role": "assistant", "content": str(grid[0, 0])},
        ]

    config = _config(tmp_path, max_steps=220, max_length=256)
    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)
    trainer = build_trainer(config, model, tokenizer, lambda: ({"messages": chat(i)} for i in range(10**6)))
    trainer.args.disable_tqdm = True
    trainer.train()
    prompts = [chat(10**7 + i) for i in range(100)]
    replies = HFResponder(trainer.model, tokenizer, progress=False).respond([p[:2] for p in prompts])
    assert sum(r == p[2]["content"] for r, p in zip(replies, prompts)) >= 60


def test_a_prior_moving_twice_in_one_probe_is_said_to_reach_each_level():
    from trainers.training.curriculum import Curriculum
    from trainers.training.run_phases import move_lines

    curriculum = Curriculum(["counting"], threshold=0.0, window=1)
    curriculum.record_many([("counting", True), ("counting", True)])
    assert move_lines(curriculum.moves, 3) == [
        "curriculum: counting moves up to medium at step 3",
        "curriculum: counting moves up to hard at step 3",
    ]
