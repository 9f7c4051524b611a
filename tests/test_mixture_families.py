"""A mixture may name the only families a prior asks: the chats then ask those alone, the
choice round-trips through the file form, and a family the prior lacks is one line."""

import subprocess
import sys

import pytest
import yaml

from trainers.data.chat_builder import ChatBuilder
from trainers.data.mixture import ChatConfig, ChatConfigError, chat_config_from_dict, parse_weights, read_mixture


def test_only_the_named_families_are_asked_and_the_other_priors_ask_all_of_theirs():
    config = ChatConfig(
        priors=parse_weights("counting,colors"),
        prior_families={"counting": ("counting.objects",)},
        questions_per_chat=4,
    )
    builder = ChatBuilder(config)
    asked = {qa["family"] for i in range(300) for qa in builder.record(i)["metadata"]["qas"]}
    counting = {f for f in asked if f.startswith("counting.")}
    assert counting == {"counting.objects"}
    assert len(asked - counting) >= 3  # colors still asks several of its own


def test_the_choice_round_trips_through_the_file_form(tmp_path):
    config = ChatConfig(
        priors=parse_weights("counting"), prior_families={"counting": ("counting.objects", "counting.color")}
    )
    again = chat_config_from_dict(config.as_dict(), "mixture")
    assert again == config
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump(config.as_dict()))
    assert dict(read_mixture(path).chat)["prior_families"] == {"counting": ("counting.objects", "counting.color")}


@pytest.mark.parametrize(
    "families, message",
    [
        (
            ["counting.nothing"],
            "priors.counting.families: counting has no family 'counting.nothing'; its families: counting.objects",
        ),
        ("counting.objects", "priors.counting.families must be a list of family ids"),
        ([], "priors.counting.families must be a list of family ids"),
    ],
)
def test_a_bad_family_list_is_one_line_naming_the_file_and_key(tmp_path, families, message):
    path = tmp_path / "mix.yaml"
    path.write_text(yaml.safe_dump({"priors": {"counting": {"families": families}}}))
    with pytest.raises(ChatConfigError, match="families") as err:
        read_mixture(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--config",
            str(path),
            "--n",
            "3",
            "--out",
            str(tmp_path / "x.jsonl"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_generate_with_families_is_the_same_for_any_number_of_workers(tmp_path):
    path = tmp_path / "mix.yaml"
    path.write_text(
        yaml.safe_dump({"priors": {"counting": {"families": ["counting.objects"]}}, "questions_per_chat": 1})
    )
    outs = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}.jsonl"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "arc_priors",
                "generate",
                "--config",
                str(path),
                "--n",
                "400",
                "--workers",
                str(workers),
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        outs.append(out.read_bytes())
    assert (
        outs[0] == outs[1]
        and outs[0].count(b'"family":"counting.objects"') + outs[0].count(b'"family": "counting.objects"') == 400
    )
