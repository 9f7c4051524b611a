"""A plugin that breaks on some grid, or failed its checks, is named by every command in one
line: the prior, its distribution, the family, the seed and record (or grid), and the rule."""

import json
import os
import re
import subprocess
import sys

import pytest
from fake_plugins import install_all


@pytest.fixture
def env(tmp_path):
    plugins = tmp_path / "site"
    plugins.mkdir()
    install_all(plugins)
    environ = dict(os.environ)
    environ["PYTHONPATH"] = os.pathsep.join([str(plugins), environ.get("PYTHONPATH", "")])
    environ.pop("ARC_PRIORS_DISABLE_PLUGIN_AUTOLOAD", None)
    return environ


def cli(env, cwd, *args):
    proc = subprocess.run(
        [sys.executable, "-m", "arc_priors", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd
    )
    return proc.returncode, proc.stdout, proc.stderr


def _one_line(stderr: str) -> str:
    """The error line, alone but for the progress a run showed before it broke (`generate`
    reports every piece of 250 chats made the per-record way)."""
    lines = [line for line in stderr.strip().splitlines() if not PROGRESS.match(line)]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


PROGRESS = re.compile(r"generate: +\d+%\|")


@pytest.mark.parametrize("workers", [1, 2])
def test_an_int_answer_on_one_grid_in_a_hundred_names_prior_family_seed_and_record(env, tmp_path, workers):
    out = tmp_path / "d.jsonl"
    code, _, err = cli(
        env, tmp_path, "generate", "--priors", "flaky", "--n", 400, "--workers", workers, "--seed", 3, "--out", out
    )
    line = _one_line(err)
    assert code == 2
    assert "prior 'flaky' from flaky-plugin 1.0, family flaky.count, seed 3, record " in line
    assert "has type int64, not str" in line
    assert list(tmp_path.iterdir()) == [tmp_path / "site"]  # no output, no temporary file


def test_a_table_rule_answer_outside_its_format_names_prior_family_seed_and_the_chunk(env, tmp_path):
    out = tmp_path / "d.jsonl"
    code, _, err = cli(
        env, tmp_path, "generate", "--priors", "tabled", "--n", 500, "--workers", 1, "--seed", 3, "--out", out
    )
    line = _one_line(err)
    assert code == 2
    assert "prior 'tabled' from tabled-plugin 1.0, family tabled.count, seed 3, records 0-3999: answer '-997'" in line
    assert "is not in the family's declared format" in line and not out.exists()


def test_a_grid_too_big_on_one_sample_in_a_hundred_names_prior_seed_and_record(env, tmp_path):
    code, _, err = cli(
        env,
        tmp_path,
        "generate",
        "--priors",
        "huge,counting",
        "--n",
        600,
        "--workers",
        1,
        "--out",
        tmp_path / "d.jsonl",
    )
    line = _one_line(err)
    assert code == 2 and "prior 'huge' from huge-plugin 1.0, seed 0, record " in line and "31x31" in line
    assert not (tmp_path / "d.jsonl").exists()


def test_a_plugins_declared_chunk_drawing_makes_its_grids(env, tmp_path):
    """Called a grid at a time its sampler paints green, so red grids are the chunk drawing's."""
    out = tmp_path / "d.jsonl"
    code, _, err = cli(
        env, tmp_path, "generate", "--priors", "drawn,counting", "--n", 300, "--workers", 1, "--out", out
    )
    assert code == 0, err
    records = [json.loads(line)["metadata"] for line in out.read_text().splitlines()]
    drawn = [m["grids"][0] for m in records if m["sampled_by"][0]["prior"] == "drawn"]
    assert len(drawn) > 100
    for grid in drawn:
        cells = [c for row in grid for c in row]
        assert (len(grid), len(grid[0])) == (3, 4) and sorted(cells) == [0] * 11 + [2]


def test_a_chunk_drawing_that_draws_a_grid_too_big_names_prior_seed_and_chunk(env, tmp_path):
    out = tmp_path / "d.jsonl"
    code, _, err = cli(
        env, tmp_path, "generate", "--priors", "bigdrawn", "--n", 600, "--workers", 1, "--seed", 2, "--out", out
    )
    line = _one_line(err)
    assert (
        code == 2
        and "prior 'bigdrawn' from bigdrawn-plugin 1.0, seed 2, records 0-3999: its chunk version drew grid " in line
    )
    assert "as 31x4 (sides 1-30)" in line and not out.exists()


def test_ask_names_the_grid_a_prior_broke_on(env, tmp_path):
    path = tmp_path / "grids.json"
    path.write_text(json.dumps([[[1] * 3], [[1] * 7]]))
    code, _, err = cli(env, tmp_path, "ask", path, "--priors", "flaky")
    line = _one_line(err)
    assert code == 2 and "prior 'flaky' from flaky-plugin 1.0, family flaky.count, grid grids[1]:" in line


@pytest.mark.parametrize(
    "command",
    [
        ["show", "misnamed"],
        ["generate", "--priors", "misnamed", "--n", 5, "--out", "d.jsonl"],
        ["ask", "g.json", "--priors", "misnamed"],
    ],
)
def test_a_plugin_that_failed_its_checks_is_reported_as_broken_with_its_reason(env, tmp_path, command):
    (tmp_path / "g.json").write_text("[[1]]")
    code, _, err = cli(env, tmp_path, *command)
    line = _one_line(err)
    assert (
        code == 2
        and "prior plugin 'misnamed' from misnamed-plugin" in line
        and "does not match the entry point name" in line
    )


def test_asking_for_a_broken_plugin_by_its_own_name_says_it_is_installed_but_broken(env, tmp_path):
    code, _, err = cli(env, tmp_path, "show", "other")
    line = _one_line(err)
    assert (
        code == 2
        and "unknown prior 'other'" in line
        and "installed but broken: misnamed from misnamed-plugin 1.0" in line
    )


def test_list_json_shows_every_plugin_with_its_status(env, tmp_path):
    code, out, _ = cli(env, tmp_path, "list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert code == 0
    assert listed["counting"]["ok"] and "counting.objects" in [f["id"] for f in listed["counting"]["families"]]
    assert listed["counting"]["families"][0]["answer_format"] and listed["counting"]["distribution"] == "arc-priors"
    assert not listed["misnamed"]["ok"] and "does not match" in listed["misnamed"]["error"]
