"""The command line: what each command prints, and how it refuses bad input
(one line, exit 2, no traceback, no file left behind)."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from arc_priors.cli import main


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def test_list_json_is_the_registry():
    code, out = run("list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert code == 0 and listed["area"]["ok"] and listed["area"]["version"]
    assert {f["id"] for f in listed["area"]["families"]} >= {"area.sorted", "area.max"}


def test_list_shows_every_builtin_prior_with_its_families():
    code, out = run("list")
    assert code == 0
    for name, family in (("counting", "counting.color"), ("area", "area.sorted"), ("colors", "colors.background")):
        line = next(line for line in out.splitlines() if line.startswith(name))
        assert "arc-priors" in line and " ok " in line and family in line


def test_list_and_ask_never_import_torch(tmp_path):
    grid = tmp_path / "g.json"
    grid.write_text("[[0, 1], [1, 1]]")
    probe = (
        "import sys; from arc_priors.cli import main\n"
        "for args in (['list'], ['ask', sys.argv[1]], ['show', 'counting']):\n"
        "    try: main(args)\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", probe, str(grid)], check=True, capture_output=True)


def test_list_never_imports_scipy_or_networkx():
    """`arc-priors list` starts in well under half a second only while it parses nothing
    with scipy: the plugins' smoke samples are labelled in plain Python."""
    probe = (
        "import sys; from arc_priors.cli import main\n"
        "try: main(['list'])\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('scipy', 'scipy.ndimage', 'networkx') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True)


def test_show_prints_the_grid_and_its_questions_and_writes_a_png(tmp_path):
    png = tmp_path / "g.png"
    code, out = run("show", "area", "--seed", 5, "--png", png)
    assert code == 0 and "[area." in out and " -> " in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ask_answers_about_an_arc_task_file(tmp_path):
    task = {"train": [{"input": [[0, 1], [0, 0]], "output": [[2, 2], [0, 0]]}], "test": [{"input": [[3]]}]}
    path = tmp_path / "task.json"
    path.write_text(json.dumps(task))
    code, out = run("ask", path, "--priors", "counting", "--json")
    assert code == 0
    results = json.loads(out)
    assert [r["grid"] for r in results] == ["train[0].input", "train[0].output", "test[0].input"]
    objects = {
        r["grid"]: next(q["answer"] for q in r["questions"] if q["family"] == "counting.objects") for r in results
    }
    assert objects == {"train[0].input": "1", "train[0].output": "1", "test[0].input": "0"}


def test_generate_writes_the_requested_chats(tmp_path):
    out = tmp_path / "d.jsonl"
    code, _ = run(
        "generate",
        "--priors",
        "counting=2,area",
        "--n",
        20,
        "--workers",
        1,
        "--out",
        out,
        "--quiet",
        "--grids-per-chat",
        2,
    )
    assert code == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 20 and all(len(r["metadata"]["grids"]) == 2 for r in records)


@pytest.mark.parametrize(
    "args, words",
    [
        (["generate", "--priors", "nope", "--n", "5"], "unknown prior 'nope'; available priors: area, colors, "),
        (["generate", "--priors", "counting=abc", "--n", "5"], "not a number"),
        (["generate", "--n", "-1"], "-1 is not in the range"),
        (["generate", "--n", "5", "--connectivity", "6"], "'6' is not one of"),
        (["generate", "--n", "5", "--background", "12"], "not 'most_common', 'none' or a colour"),
        (["show", "nope"], "unknown prior 'nope'"),
        (["generate", "--n", "5", "--workers", "0"], "0 is not in the range"),
        (["generate", "--n", "5", "--seed", "-1"], "-1 is not in the range"),
        (["show", "counting", "--seed", "-1"], "-1 is not in the range"),
    ],
)
def test_bad_options_get_one_line_and_exit_2_and_leave_no_file(tmp_path, args, words):
    out = tmp_path / "d.jsonl"
    args = [*args, "--out", str(out)] if args[0] == "generate" else args
    proc = subprocess.run([sys.executable, "-m", "arc_priors", *args], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content, words",
    [
        ("[[0, 1], [2]]", "ragged"),
        ("[[0, 12]]", "outside the colours"),
        ("[[10000000000000000000000]]", "outside the colours"),
        ("{not json", "not valid JSON"),
        ('{"a": 1}', "not an ARC task"),
        ('{"train": 5}', "should be a list"),
        ('{"test": [{"input": [[1, 2], [3]]}]}', "test[0].input: ragged"),
        ("[]", "empty"),
    ],
)
def test_ask_refuses_invalid_grid_files_in_one_line(tmp_path, content, words):
    path = tmp_path / "g.json"
    path.write_text(content)
    proc = subprocess.run([sys.executable, "-m", "arc_priors", "ask", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_an_existing_output_is_not_touched_without_overwrite(tmp_path):
    out = tmp_path / "d.jsonl"
    out.write_text("precious")
    proc = subprocess.run(
        [sys.executable, "-m", "arc_priors", "generate", "--n", "5", "--out", str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "already exists" in proc.stderr and out.read_text() == "precious"


def test_a_missing_grid_file_is_named(tmp_path):
    code, out = run("ask", tmp_path / "nowhere.json")
    assert code == 2 and "nowhere.json" in out and "does not exist" in out


def test_ask_takes_a_list_of_grids(tmp_path):
    path = tmp_path / "grids.json"
    path.write_text("[[[0, 1], [0, 0]], [[2, 2], [0, 2]]]")
    code, out = run("ask", path, "--priors", "counting", "--json")
    assert code == 0 and [r["grid"] for r in json.loads(out)] == ["grids[0]", "grids[1]"]


def test_ask_compares_each_task_input_with_its_output():
    task = {"train": [{"input": [[0, 1], [0, 0]], "output": [[2, 2], [0, 2]]}], "test": [{"input": [[3]]}]}
    code, out = run_json_task(task, "--priors", "compare")
    pair = next(r for r in out if r.get("grids"))
    assert pair["grids"] == ["train[0].input", "train[0].output"]
    answers = {q["family"]: q["answer"] for q in pair["questions"]}
    # 0 1 / 0 0 against 2 2 / 0 2: cells (0,0), (0,1) and (1,1) differ; colours {0,1} vs {0,2}.
    assert answers["compare.changed_cells"] == "3" and answers["compare.same_colors"] == "no"
    assert answers["compare.same_size"] == "yes" and "compare.more_objects" not in answers  # one object each


def test_ask_in_text_prints_no_header_over_nothing(tmp_path):
    path = tmp_path / "task.json"
    path.write_text(
        json.dumps({"train": [{"input": [[0, 1], [0, 0]], "output": [[2, 2], [0, 2]]}], "test": [{"input": [[3]]}]})
    )
    code, out = run("ask", path, "--priors", "compare")  # compare asks nothing of one grid alone
    lines = out.splitlines()
    assert code == 0 and lines[0] == "== train[0].input (Grid A) vs train[0].output (Grid B)"
    assert all(not line.startswith("== ") for line in lines[1:])
    (tmp_path / "one.json").write_text("[[0]]")
    code, out = run("ask", tmp_path / "one.json", "--priors", "compare")
    assert code == 0 and "==" not in out and "no questions" in out


def test_generate_says_grpo_rows_and_chats_and_what_rejections_are(tmp_path):
    code, out = run(
        "generate",
        "--priors",
        "counting",
        "--n",
        10,
        "--workers",
        1,
        "--format",
        "grpo",
        "--out",
        tmp_path / "rl.jsonl",
    )
    rows = (tmp_path / "rl.jsonl").read_text().count("\n")
    assert code == 0 and f"wrote {rows:,} rows (one a question) from 10 chats" in out
    assert (
        "sampler rejections: " in out
        and "fitted nowhere on their grid" in out
        and "docs/datasets.md#sampler-rejections" in out
    )


def test_generates_bar_and_summary_time_the_same_span(tmp_path):
    """The bar once opened when the first chunk was done and showed 18 s where the summary said 28.4 s."""
    import re

    code, out = run(
        "generate",
        "--priors",
        "counting,shapes",
        "--grids-per-chat",
        2,
        "--n",
        1200,
        "--workers",
        1,
        "--out",
        tmp_path / "d.jsonl",
    )
    assert code == 0
    minutes, seconds = map(int, re.findall(r"1200/1200 \[(\d+):(\d+)<", out)[-1])
    summary = float(re.search(r"wrote 1,200 chats to .* in ([\d.]+) s", out).group(1))
    assert abs(60 * minutes + seconds - summary) <= 1, out  # whole seconds in the bar


def run_json_task(task, *args):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "task.json"
        path.write_text(json.dumps(task))
        code, out = run("ask", path, *args, "--json")
    return code, json.loads(out)


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\xff\xfe not utf8\n", "not UTF-8"),
        (b'{"messages": []}\n', "line 1: field schema_version is missing"),
        (
            b'{"schema_version": 1, "messages": [{"role": "user", "content": "hi"}], "metadata": {}}\n',
            "field metadata.seed is missing",
        ),
    ],
)
def test_a_corrupt_training_file_is_one_line_and_exit_2(tmp_path, content, words):
    data = tmp_path / "bad.jsonl"
    data.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "arc_priors", "train", "--data", str(data), "--run-dir", str(tmp_path / "run")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not (tmp_path / "run").exists()


def test_main_job_flag_runs_the_main_job_file_and_typed_options_still_win(tmp_path):
    """`arc-priors train --main-job` reads trainers/training/main_job.yaml (bare `train` does too,
    tests/test_train_options.py); the run folder's config.yaml records what was used."""
    import yaml

    from trainers.training.train_config import MAIN_JOB

    job = yaml.safe_load(MAIN_JOB.read_text())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "train",
            "--main-job",
            "--n-train",
            "8",
            "--n-eval",
            "2",
            "--max-steps",
            "1",
            "--run-dir",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    used = yaml.safe_load((tmp_path / "run" / "config.yaml").read_text())
    assert used["priors"]["counting"]["settings"] == job["priors"]["counting"]["settings"]
    assert used["system_prompt"] == job["system_prompt"] == "brief"
    assert (
        used["questions_per_chat"] == job["questions_per_chat"] == 2
        and used["question_order"] == job["question_order"] == "fixed"
    )
    assert used["train"]["max_steps"] == 1 and used["train"]["n_eval"] == 2
    assert used["priors"]["counting"]["families"] == job["priors"]["counting"]["families"] == ["counting.objects"]
    for option in ("trainer", "batch_size", "grad_accum", "time_limit"):
        assert used["train"][option] == job["train"][option], option


def test_a_run_folder_under_folders_that_do_not_exist_yet_is_made(tmp_path):
    """A fresh checkout has no runs/ folder: the README's `arc-priors train` must make it."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "train",
            "--n-train",
            "8",
            "--n-eval",
            "0",
            "--max-steps",
            "1",
            "--max-length",
            "256",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (run,) = (tmp_path / "runs").iterdir()
    assert (run / "metrics.json").exists() and (run / "config.yaml").exists()
