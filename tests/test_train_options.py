"""What `arc-priors train` runs: the main job only when nothing that shapes a run was typed
(or --main-job asks for it); otherwise the defaults `train --help` shows plus what was typed.
The training itself is replaced by a recorder: these tests are about the config it gets."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from arc_priors.cli import main
from trainers.training.train_config import MAIN_JOB, QUICK_BELOW, QUICK_EVAL, QUICK_STEPS, TrainConfig

pytest.importorskip("torch")

JOB = yaml.safe_load(MAIN_JOB.read_text())


@pytest.fixture
def configs(monkeypatch):
    """Every TrainConfig `train` would have run, instead of running it."""
    import trainers.training.finetune

    seen: list[TrainConfig] = []
    monkeypatch.setattr(trainers.training.finetune, "train", lambda config, echo=print: seen.append(config) or {})
    return seen


def train(configs, tmp_path, *args):
    result = CliRunner().invoke(main, ["train", "--run-dir", str(tmp_path / "run"), *map(str, args)])
    return result, (configs[-1] if configs else None)


def is_main_job(config: TrainConfig) -> bool:
    return (
        config.chats.system_prompt == "brief"
        and config.chats.questions_per_chat == JOB["questions_per_chat"]
        and [name for name, _ in config.chats.priors] == list(JOB["priors"])
        and config.max_steps == JOB["train"]["max_steps"]
        and config.trainer == JOB["train"]["trainer"]
    )


def test_bare_train_runs_the_main_job(configs, tmp_path):
    result, config = train(configs, tmp_path)
    assert result.exit_code == 0, result.output
    assert is_main_job(config) and config.tiny_model == JOB["train"].get("tiny_model", {})


@pytest.mark.parametrize("neutral", [("--threads", 1), ("--overwrite",)])
def test_options_that_only_say_where_or_how_fast_keep_the_main_job(configs, tmp_path, neutral):
    result, config = train(configs, tmp_path, *neutral)
    assert result.exit_code == 0, result.output
    assert is_main_job(config)


@pytest.mark.parametrize(
    "typed, check",
    [
        (("--max-steps", 3), lambda c: c.max_steps == 3),
        (("--curriculum",), lambda c: c.curriculum),
        (("--priors", "counting,area"), lambda c: [n for n, _ in c.chats.priors] == ["counting", "area"]),
        (("--seed", 5), lambda c: c.chats.seed == 5),
        (("--system-prompt", "brief"), lambda c: c.chats.system_prompt == "brief"),
    ],
)
def test_any_other_option_runs_the_shown_defaults_plus_what_was_typed(configs, tmp_path, typed, check):
    result, config = train(configs, tmp_path, *typed)
    assert result.exit_code == 0, result.output
    assert check(config) and not is_main_job(config)
    defaults = TrainConfig()
    # Everything not typed is the default that `train --help` prints (a quick try of
    # --max-steps 3 evaluates fewer chats, and says so).
    quick = "--max-steps" in typed
    assert (config.n_train, config.n_eval, config.trainer, config.batch_size) == (
        defaults.n_train,
        QUICK_EVAL if quick else defaults.n_eval,
        defaults.trainer,
        defaults.batch_size,
    )
    assert ("a quick run" in result.output) == quick
    if "--priors" not in typed:
        assert [n for n, _ in config.chats.priors] == ["counting", "area", "colors"]
    if "--system-prompt" not in typed:
        assert config.chats.system_prompt == "full" and config.chats.questions_per_chat == 4


def test_help_shows_the_defaults_that_apply(configs, tmp_path):
    """The help's defaults are the ones a run with any typed option gets."""
    result = CliRunner().invoke(main, ["train", "--help"])
    defaults = TrainConfig()
    text = " ".join(result.output.split())
    assert f"[default: {defaults.n_train}]" in text and f"[default: {defaults.n_eval}]" in text
    assert "--main-job" in text and "runs the main job" in text


def test_main_job_flag_changes_the_main_job(configs, tmp_path):
    result, config = train(configs, tmp_path, "--main-job", "--max-steps", 7, "--n-eval", 3)
    assert result.exit_code == 0, result.output
    assert config.max_steps == 7 and config.n_eval == 3
    assert config.chats.system_prompt == "brief" and config.chats.questions_per_chat == JOB["questions_per_chat"]
    assert config.time_limit == JOB["train"]["time_limit"]


def test_main_job_with_a_config_file_is_one_line_and_exit_2(configs, tmp_path):
    mix = tmp_path / "mix.yaml"
    mix.write_text("priors: {counting: 1}\n")
    result = CliRunner().invoke(main, ["train", "--main-job", "--config", str(mix), "--run-dir", str(tmp_path / "run")])
    assert result.exit_code == 2 and not configs
    assert result.output.strip().count("\n") == 0 and "--main-job and --config" in result.output


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_threads_must_be_a_positive_whole_number(configs, tmp_path, bad):
    result, _ = train(configs, tmp_path, "--threads", bad)
    assert result.exit_code == 2 and not configs and "threads" in result.output
    assert result.output.strip().count("\n") == 0


def test_the_run_records_the_typed_values_in_its_config_yaml(tmp_path):
    """A real (one-step) run: config.yaml holds the user's values, not the main job's."""
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--max-steps",
            "1",
            "--n-train",
            "8",
            "--n-eval",
            "0",
            "--max-length",
            "256",
            "--threads",
            "1",
            "--run-dir",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 0, result.output
    used = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert used["train"]["max_steps"] == 1 and used["train"]["n_train"] == 8 and used["train"]["threads"] == 1
    assert used["system_prompt"] == "full" and list(used["priors"]) == ["counting", "area", "colors"]


@pytest.mark.parametrize("load, warned", [(0.0, False), (float(__import__("os").cpu_count() or 1) + 3, True)])
def test_a_busy_machine_gets_a_warning_and_threads_are_applied(load, warned):
    import torch

    from trainers.training.run_phases import use_threads

    said: list[str] = []
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)  # the suite's workers run on one thread (conftest): ask for another count
        use_threads(TrainConfig(threads=2), said.append, load=load)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert bool(said) == warned
    assert all("load average" in line and "\n" not in line for line in said)


@pytest.mark.parametrize(
    "elapsed, per_step, steps_left, limit", [(10.0, 0.2, 100, None), (10.0, 0.2, 100, 15.0), (20.0, 1.0, 5, 15.0)]
)
def test_time_left_follows_the_pace_and_stops_at_the_limit(elapsed, per_step, steps_left, limit):
    from trainers.training.run_phases import time_left

    left = time_left(elapsed, per_step, steps_left, limit)
    assert left <= per_step * steps_left + 1e-9 and left >= 0
    if limit is None:
        assert left == pytest.approx(per_step * steps_left)
    else:
        assert elapsed + left <= max(limit, elapsed) + 1e-9


def test_too_few_chats_for_one_optimizer_step_is_one_line_and_exit_2(tmp_path):
    """8 chats pack into one row of 1024 tokens; with --grad-accum 4 TRL's trainer restarted
    the stream forever without a step. Now it is refused, and no run folder is left."""
    result = CliRunner().invoke(
        main,
        [
            "train",
            "--trainer",
            "sft",
            "--n-train",
            "8",
            "--max-steps",
            "1",
            "--n-eval",
            "0",
            "--run-dir",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 2 and not (tmp_path / "run").exists()
    (error,) = [line for line in result.output.splitlines() if line.startswith("arc-priors: error:")]
    assert (
        "fewer than one optimizer step" in error and "--n-train 8" in error and result.output.rstrip().endswith(error)
    )


def test_quick_tries_the_main_job_in_a_few_steps_on_a_few_chats_and_says_so(configs, tmp_path):
    result, config = train(configs, tmp_path, "--quick")
    assert result.exit_code == 0, result.output
    assert (config.max_steps, config.n_eval) == (QUICK_STEPS, QUICK_EVAL)
    assert (
        config.chats.system_prompt == "brief" and config.time_limit == JOB["train"]["time_limit"]
    )  # the main job's chats
    assert f"instead of {JOB['train']['n_eval']}" in result.output


@pytest.mark.parametrize(
    "typed, n_eval",
    [
        (("--max-steps", QUICK_BELOW - 1), QUICK_EVAL),
        (("--max-steps", QUICK_BELOW), TrainConfig().n_eval),  # not a quick try: the held-out set stays
        (("--max-steps", 3, "--n-eval", 50), 50),  # a number the user typed stands
        (("--quick", "--max-steps", 12), QUICK_EVAL),
        (("--quick", "--n-eval", 7), 7),
        (("--main-job", "--max-steps", 9), QUICK_EVAL),  # the main job's 400 held-out chats are cut too
    ],
)
def test_runs_of_few_steps_evaluate_few_chats_unless_told(configs, tmp_path, typed, n_eval):
    result, config = train(configs, tmp_path, *typed)
    assert result.exit_code == 0, result.output
    assert config.n_eval == n_eval
    assert ("a quick run" in result.output) == (n_eval == QUICK_EVAL)
    if "--quick" in typed and "--max-steps" in typed:
        assert config.max_steps == typed[typed.index("--max-steps") + 1]
