"""The bad-input promise on the training path and in the corners: one line on stderr naming
the problem and the user's path or option, exit 2, no traceback, and nothing left behind
(for `train`: no run folder, or exactly the folder that was there)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("trl")


def cli(*args, cwd=None, **kw):
    return subprocess.run(
        [sys.executable, "-m", "arc_priors", *map(str, args)], capture_output=True, text=True, cwd=cwd, **kw
    )


def one_line_exit_2(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return lines[0]


def only(folder: Path, *names) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    from trainers.training.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def chats(tmp_path_factory) -> Path:
    from trainers.data.chat_builder import ChatConfig
    from trainers.data.datasets import generate

    path = tmp_path_factory.mktemp("data") / "chats.jsonl"
    generate(ChatConfig(), 12, path)
    return path


QUICK = ["--n-train", 8, "--n-eval", 0, "--max-steps", 1, "--max-length", 256]


def test_train_on_an_empty_file(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    line = one_line_exit_2(cli("train", "--data", "empty.jsonl", "--run-dir", "run", cwd=tmp_path))
    assert "empty.jsonl holds no chats" in line
    only(tmp_path, "empty.jsonl")


def test_train_with_target_modules_the_model_lacks(tmp_path):
    line = one_line_exit_2(
        cli("train", "--method", "lora", "--target-modules", "nosuch", *QUICK, "--run-dir", "run", cwd=tmp_path)
    )
    assert "--target-modules nosuch matches no module of the model" in line and "q_proj" in line
    only(tmp_path)


def test_train_on_a_model_whose_weights_are_truncated(tmp_path, tiny):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny, broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    line = one_line_exit_2(cli("train", "--model", broken, *QUICK, "--run-dir", "run", cwd=tmp_path))
    assert f"cannot load model from '{broken}'" in line
    only(tmp_path, "broken")


def test_train_on_data_whose_questions_lack_their_family(tmp_path, chats):
    records = [json.loads(line) for line in chats.read_text().splitlines()]
    for record in records:
        for qa in record["metadata"]["qas"]:
            del qa["family"]
    (tmp_path / "bad.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    line = one_line_exit_2(cli("train", "--data", "bad.jsonl", "--n-eval", 1, "--run-dir", "run", cwd=tmp_path))
    assert "bad.jsonl line 1: field metadata.qas[0].family is missing" in line
    only(tmp_path, "bad.jsonl")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_train_leaves_no_run_folder_and_the_same_command_then_succeeds(tmp_path, sig):
    command = [
        sys.executable,
        "-m",
        "arc_priors",
        "train",
        "--n-train",
        40,
        "--n-eval",
        0,
        "--max-length",
        256,
        "--run-dir",
        "run",
    ]
    # A test runner started in the background inherits SIGINT ignored, and Python keeps it so:
    # give the child the default action, as a user's terminal does.
    proc = subprocess.Popen(
        [str(a) for a in [*command, "--max-steps", 100000]],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 600  # a loaded machine takes minutes to import torch and TRL
    while not list(tmp_path.glob(".run.*.tmp/config.json")) and time.time() < deadline:
        time.sleep(0.2)
    if not list(tmp_path.glob(".run.*.tmp")):
        proc.kill()  # never leave a 100,000-step run behind a failed test
        pytest.fail("the run never started")
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "interrupted; no partial output was left" in err and "Traceback" not in err, err[
        -2000:
    ]
    only(tmp_path)
    again = subprocess.run([str(a) for a in [*command, "--max-steps", 1]], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-2000:]
    only(tmp_path, "run")
    modes = {p.suffix: oct(p.stat().st_mode & 0o777) for p in (tmp_path / "run").rglob("*") if p.is_file()}
    assert modes[".safetensors"] == modes[".json"] == oct(0o666 & ~_umask())


def test_an_interrupt_that_lands_in_a_destructor_prints_no_traceback(monkeypatch):
    """Ctrl-C during a garbage collection raises inside a `__del__`, where Python prints the
    traceback and goes on (the run stops at its next step all the same): that report is
    dropped, and any other still reaches the hook that was there before."""
    from trainers.data.atomic_files import sigterm_as_interrupt

    class Interrupted:
        def __del__(self):
            raise KeyboardInterrupt

    class Broken:
        def __del__(self):
            raise ValueError("not an interrupt")

    reports = []
    monkeypatch.setattr(sys, "unraisablehook", reports.append)
    with sigterm_as_interrupt():
        Interrupted()
        Broken()
    assert [type(r.exc_value) for r in reports] == [ValueError]
    assert sys.unraisablehook == reports.append


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def test_a_run_folder_in_use_is_left_exactly_as_it_was(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    line = one_line_exit_2(cli("train", *QUICK, "--run-dir", "run", cwd=tmp_path))
    assert "run folder run is not empty" in line
    only(tmp_path / "run", "notes.txt")


def test_evaluate_to_an_unwritable_place_fails_before_the_model_loads(tmp_path, tiny):
    (tmp_path / "afile").write_text("")
    started = time.monotonic()
    line = one_line_exit_2(cli("evaluate", "--model", tiny, "--n", 50, "--out", tmp_path / "afile" / "eval"))
    assert "--out" in line and "afile" in line and "not a folder" in line
    assert time.monotonic() - started < 60


def test_evaluate_with_a_missing_adapter_is_one_line_before_the_model_loads(tmp_path, tiny):
    line = one_line_exit_2(
        cli("evaluate", "--model", tiny, "--adapter", tmp_path / "nowhere", "--out", tmp_path / "eval")
    )
    assert f"adapter folder '{tmp_path / 'nowhere'}' does not exist" in line
    only(tmp_path)


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_train_and_evaluate_without_the_train_extra_say_how_to_install_it(monkeypatch, command):
    import importlib.util

    from click.testing import CliRunner

    from arc_priors.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    result = CliRunner().invoke(main, [command, "--model", "x"] if command == "evaluate" else [command])
    assert result.exit_code == 2 and "needs the train extra (missing: torch)" in result.output
    assert "pip install 'arc-priors[train]'" in result.output
