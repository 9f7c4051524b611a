"""Mixture files (--config, YAML or JSON): what they can say, how the command line overrides
them, and one-line errors that name the file and the key."""

import json
import subprocess
import sys

import pytest

from trainers.data.cards import read_card, recorded_mixture
from trainers.data.mixture import ChatConfig, ChatConfigError, chat_config_from_dict, parse_weights, read_mixture

MIX = """
priors:
  counting: 2
  area: {level: hard}
  colors: {weight: 0.5, settings: {max_side: 6}}
questions_per_chat: 3
conventions: {connectivity: 4, background: none}
encoder: spaced
seed: 7
"""


def cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "arc_priors", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


def test_a_mixture_file_says_everything_a_dataset_needs(tmp_path):
    path = tmp_path / "mix.yaml"
    path.write_text(MIX)
    config = ChatConfig(**read_mixture(path).chat)
    assert config.priors == (("counting", 2.0), ("area", 1.0), ("colors", 0.5))
    assert config.choices("area") == ("hard", None) and dict(config.choices("colors")[1]) == {"max_side": 6}
    assert (config.questions_per_chat, config.encoder, config.seed) == (3, "spaced", 7)
    assert (config.conventions.connectivity, config.conventions.background) == (4, None)


def test_as_dict_is_the_file_form_and_reads_back(tmp_path):
    path = tmp_path / "mix.json"
    config = ChatConfig(**read_mixture((tmp_path / "m.yaml", (tmp_path / "m.yaml").write_text(MIX))[0]).chat)
    path.write_text(json.dumps(config.as_dict()))
    assert ChatConfig(**read_mixture(path).chat) == config == chat_config_from_dict(config.as_dict(), "x")


@pytest.mark.parametrize(
    "text, words",
    [
        (
            "priors: {area: {level: expert}}",
            "mix.yaml: priors.area.level: prior 'area' has no level 'expert'; its levels: easy, medium, hard",
        ),
        (
            "priors: {area: {settings: {max_side: 40}}}",
            "mix.yaml: priors.area.settings: settings of prior 'area': 'max_side' must be <= 30: 40",
        ),
        (
            "priors: {area: {settings: {sides: 4}}}",
            "mix.yaml: priors.area.settings: settings of prior 'area': unknown setting 'sides'",
        ),
        ("priors: {nope: 1}", "mix.yaml: priors.nope: unknown prior 'nope'"),
        ("priors: {area: {weight: -1}}", "mix.yaml: priors.area.weight must be a positive number"),
        ("priors: {area: {colour: 1}}", "mix.yaml: priors.area.colour: unknown key"),
        ("prior: {area: 1}", "mix.yaml: prior: unknown key"),
        ("questions_per_chat: 0", "mix.yaml: 'questions_per_chat' must be >= 1: 0"),
        ("conventions: {connectivity: 6}", "mix.yaml: conventions: connectivity must be the integer 4 or 8, got 6"),
        ("level: expert", "mix.yaml: level: prior 'counting' has no level 'expert'"),
        ("answers: verbose", "mix.yaml: answers: must be bare or worked, got 'verbose'"),
        ("priors: [unclosed", "mix.yaml is not valid YAML"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_file_and_key(tmp_path, text, words):
    (tmp_path / "mix.yaml").write_text(text)
    proc = cli("generate", "--config", "mix.yaml", "--n", 5, "--out", "d.jsonl", cwd=tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1 and words in lines[0], proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.yaml"]


def test_options_typed_on_the_command_line_override_the_file_and_the_rest_stands(tmp_path):
    (tmp_path / "mix.yaml").write_text(MIX)
    proc = cli(
        "generate",
        "--config",
        "mix.yaml",
        "--n",
        5,
        "--out",
        "d.jsonl",
        "--encoder",
        "digits",
        "--questions-per-chat",
        1,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    used = recorded_mixture(tmp_path / "d.jsonl")
    assert (used.encoder, used.questions_per_chat) == ("digits", 1)
    assert (used.seed, used.conventions.connectivity, used.priors) == (
        7,
        4,
        (("counting", 2.0), ("area", 1.0), ("colors", 0.5)),
    )
    again = cli("generate", "--config", "d.jsonl.README.md", "--n", 5, "--out", "e.jsonl", cwd=tmp_path)
    assert again.returncode == 2  # a card is not a mixture file; its front matter's mixture is


def test_the_card_records_the_mixture_used_and_reads_back_as_a_config(tmp_path):
    import yaml

    (tmp_path / "mix.yaml").write_text(MIX)
    assert cli("generate", "--config", "mix.yaml", "--n", 20, "--out", "a.jsonl", cwd=tmp_path).returncode == 0
    (tmp_path / "again.yaml").write_text(
        yaml.safe_dump(read_card(tmp_path / "a.jsonl")["mixture"], sort_keys=False)
    )  # the order of priors counts
    assert cli("generate", "--config", "again.yaml", "--n", 20, "--out", "b.jsonl", cwd=tmp_path).returncode == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_generate_level_hard_draws_larger_grids_with_more_objects_than_easy_and_the_card_says_so(tmp_path):
    stats = {}
    for level in ("easy", "hard"):
        assert cli("generate", "--level", level, "--n", 200, "--out", f"{level}.jsonl", cwd=tmp_path).returncode == 0
        draws = read_card(tmp_path / f"{level}.jsonl")["stats"]["draws"]
        assert {d["level"] for d in draws} == {level}
        n = sum(d["grids"] for d in draws)
        stats[level] = (
            sum(d["mean_side"] * d["grids"] for d in draws) / n,
            sum(d["mean_objects"] * d["grids"] for d in draws) / n,
        )
    assert stats["hard"][0] > stats["easy"][0] + 5 and stats["hard"][1] > stats["easy"][1] * 2


def test_parse_weights_and_the_default_mixture_agree():
    assert ChatConfig().priors == parse_weights("counting,area,colors")
    with pytest.raises(ChatConfigError, match=r"^x: priors must name at least one prior"):
        chat_config_from_dict({"priors": {}}, "x")
