"""Corners of the bad-input promise that need no model: odd grid files, odd options, and
weights that would overflow."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from arc_priors.cli import main


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "arc_priors", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def one_line_exit_2(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return lines[0]


def test_ask_on_a_list_nested_100000_deep(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nests lists far too deeply" in one_line_exit_2(cli("ask", path))


@pytest.mark.parametrize("value", ["²", "٣", "10", "-1", "black"])
def test_ask_with_a_background_that_only_looks_like_a_digit(tmp_path, value):
    path = tmp_path / "g.json"
    path.write_text("[[0, 1]]")
    assert f"{value!r} is not 'most_common', 'none' or a colour 0-9" in one_line_exit_2(
        cli("ask", path, "--background", value)
    )


def test_ask_with_an_empty_priors_list_is_refused_not_read_as_every_prior(tmp_path):
    path = tmp_path / "g.json"
    path.write_text("[[0, 1]]")
    assert "empty prior name" in one_line_exit_2(cli("ask", path, "--priors", ""))


def test_huge_weights_are_relative_and_do_not_overflow(tmp_path):
    out = tmp_path / "d.jsonl"
    result = CliRunner().invoke(
        main,
        ["generate", "--priors", "counting=1e308,area=1e308", "--n", 200, "--workers", 1, "--out", str(out), "--quiet"],
    )
    assert result.exit_code == 0, result.output
    drawn = [json.loads(line)["metadata"]["sampled_by"][0]["prior"] for line in out.read_text().splitlines()]
    assert 0.3 < drawn.count("counting") / len(drawn) < 0.7


def test_a_weight_too_small_to_ever_be_drawn_is_refused(tmp_path):
    line = one_line_exit_2(
        cli("generate", "--priors", "counting=1e308,area=1e-300", "--n", 5, "--out", tmp_path / "d.jsonl")
    )
    assert "weight of prior 'area' (1e-300) is too small" in line


def test_a_png_that_cannot_be_written_is_named_by_the_users_path(tmp_path, monkeypatch):
    import errno
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/somewhere/.g.png.1.x.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = CliRunner().invoke(main, ["show", "counting", "--png", str(tmp_path / "g.png")])
    assert result.exit_code == 2 and f"cannot use {tmp_path / 'g.png'}: Permission denied" in result.output


def test_every_option_of_every_command_has_help_text():
    import click

    missing = [
        f"{name} {'/'.join(p.opts)}"
        for name, command in main.commands.items()
        for p in command.params
        if isinstance(p, click.Option) and not p.help and p.name != "help"
    ]
    assert not missing, missing


def test_show_says_1_object_not_1_objects():
    from arc_priors.cli import _count

    assert (_count(1, "object"), _count(0, "object"), _count(3, "object")) == ("1 object", "0 objects", "3 objects")
