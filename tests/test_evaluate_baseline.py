"""The spec of a standalone evaluation: the always-the-most-common-answer baseline beside it,
a verdict per family, and exact or graded scoring (`evaluate --score`).

Responders here are scripted from the gold answers (no model), except the CLI run, which
uses the tiny model."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from scripted import asked, gold_questions

from trainers.data.chat_builder import ChatBuilder, ChatConfig
from trainers.training.evaluate import EvalReport, assess, evaluate, judge
from trainers.training.report import SCORES, majority_report, verdicts, wilson_interval
from trainers.training.training_data import majority_answers


@pytest.fixture(scope="module")
def records():
    builder = ChatBuilder(ChatConfig(priors=(("counting", 1.0),), seed=11))
    return [builder.record(i) for i in range(80)]


class Scripted:
    """Replies made from each question's gold answer (looked up by grid text and question,
    never by position) and its family."""

    def __init__(self, records, reply):
        self.gold = gold_questions(records)
        self.reply = reply

    def respond(self, prompts):
        return [self.reply(self.gold[asked(prompt)]) for prompt in prompts]


def _verdict_lines(assessment):
    text = verdicts(assessment.report, assessment.baseline, among="x")
    return dict(line.strip().split("  ", 1) for line in text.splitlines()[1:])


def test_always_the_majority_answer_is_no_better_than_the_baseline(records):
    majority = majority_answers(records)
    assessment = assess(Scripted(records, lambda qa: majority[qa["family"]]), records, progress=False)
    for mode in assessment.report.modes:
        for family, cell in assessment.report[mode].families.items():
            assert cell == assessment.baseline[mode].families[family]
    lines = _verdict_lines(assessment)
    assert lines and all(line.endswith(")") and ": not clearly learned (" in line for line in lines.values())


def test_answering_right_is_learned_and_answering_wrong_is_worse(records):
    right = assess(Scripted(records, lambda qa: qa["answer"]), records, progress=False)
    assert all(": learned (" in line for line in _verdict_lines(right).values())
    wrong = assess(Scripted(records, lambda qa: "wrong"), records, progress=False)
    assert all(": worse than the baseline (" in line for line in _verdict_lines(wrong).values())


def test_the_baseline_counts_its_majority_over_the_same_records(records):
    assessment = assess(Scripted(records, lambda qa: ""), records, modes=("isolated",), progress=False)
    for family, answer in assessment.majority.items():
        counts = Counter(qa["answer"] for r in records for qa in r["metadata"]["qas"] if qa["family"] == family)
        assert counts[answer] == max(counts.values())
    assert assessment.baseline == majority_report(assessment.report, assessment.majority)


def test_a_reply_that_says_more_than_the_value_scores_only_when_graded():
    qa = {"answer": "7", "family": "counting.objects", "question": "How many objects are there in the grid?"}
    assert judge("The answer is 7.", qa) == judge("The answer is 7.", qa, "exact") == 0
    assert judge("The answer is 7.", qa, "graded") == 1.0
    assert judge("7", qa, "exact") == judge("7", qa, "graded") == 1
    assert 0 < judge("The answer is 6.", qa, "graded") < 0.9  # a near miss earns part
    with pytest.raises(ValueError, match="scoring"):
        judge("7", qa, "fuzzy")


def test_graded_scoring_gives_verbose_replies_full_credit_and_says_so(records, tmp_path):
    verbose = Scripted(records, lambda qa: f"Looking at the grid, the answer is {qa['answer']}.")
    exact = assess(verbose, records, progress=False)
    graded = assess(verbose, records, score="graded", progress=False)
    assert exact.report.score == "exact" and all(exact.report[m].overall.correct == 0 for m in exact.report.modes)
    assert graded.report.score == "graded" and all(
        graded.report[m].overall.accuracy == 1.0 for m in graded.report.modes
    )
    assert all(": learned (" in line for line in _verdict_lines(graded).values())
    text = graded.text()
    assert (
        "credit [95% CI]" in text
        and "acc [95% CI]" not in text
        and "scored graded: " in text
        and "graded credit" in text
    )
    paths = graded.write(tmp_path / "eval")
    data = json.loads(paths["json"].read_text())
    assert data["score"] == "graded" and data["majority_answers"] == graded.majority
    assert data["majority_baseline"]["isolated"]["overall"] == graded.baseline["isolated"].overall.as_dict()
    again = EvalReport.from_dict(data)
    assert again == graded.report and again.score == "graded"


def test_a_graded_baseline_earns_near_miss_credit_too(records):
    """The baseline is scored as the model is: under graded, a majority count one off earns part."""
    majority = majority_answers(records)
    exact = assess(Scripted(records, lambda qa: ""), records, modes=("isolated",), progress=False).baseline
    graded = assess(
        Scripted(records, lambda qa: ""), records, modes=("isolated",), score="graded", progress=False
    ).baseline
    family = "counting.objects"
    assert family in majority
    assert graded["isolated"].families[family].accuracy > exact["isolated"].families[family].accuracy


def test_near_misses_give_fractional_credit_inside_a_sound_interval(records):
    def off_by_one(qa):
        return str(int(qa["answer"]) + 1) if qa["answer"].isdigit() else qa["answer"]

    report = evaluate(Scripted(records, off_by_one), records, modes=("isolated",), score="graded", progress=False)
    overall = report["isolated"].overall
    assert 0 < overall.accuracy < 1 and not float(overall.correct).is_integer()
    low, high = overall.interval
    assert 0 <= low < overall.accuracy < high <= 1


@pytest.mark.parametrize("k, n", [(3, 10), (0, 7), (40, 40), (81, 263)])
def test_a_fractional_wilson_interval_lies_between_its_whole_neighbours(k, n):
    below, above = wilson_interval(k, n), wilson_interval(min(k + 1, n), n)
    for share in (0.25, 0.5, 0.999):
        low, high = wilson_interval(min(k + share, n), n)
        assert below[0] <= low <= above[0] + 1e-12 and below[1] <= high <= above[1] + 1e-12
    if 0 < k < n:  # the formula and scipy agree where both apply
        assert wilson_interval(k + 1e-9, n) == pytest.approx(wilson_interval(k, n), abs=1e-6)


def test_exact_stays_the_default_and_unknown_scorings_are_refused(records):
    responder = Scripted(records, lambda qa: qa["answer"] if len(qa["answer"]) % 2 else "no")
    plain = evaluate(responder, records, progress=False)
    assert plain == evaluate(responder, records, progress=False, score="exact")
    assert plain.score == "exact" and all(isinstance(r.correct, int) for r in plain.rows)
    assert (
        EvalReport.from_dict({k: v for k, v in plain.as_dict().items() if k != "score"}) == plain
    )  # reports saved before
    with pytest.raises(ValueError, match="scoring"):
        evaluate(responder, records, score="fuzzy")


def test_the_cli_choices_are_the_scorings():
    from arc_priors.cli import main

    option = next(p for p in main.commands["evaluate"].params if p.name == "score")
    assert tuple(option.type.choices) == SCORES and option.default == "exact"


def test_the_evaluate_command_prints_the_majority_column_and_verdicts(tmp_path):
    """One graded run (the default's path differs only in the scoring it passes on, and
    test_finetune runs it), then a bad --score, refused before any model loads."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from click.testing import CliRunner

    from arc_priors.cli import main
    from trainers.training.tiny_model import build_tiny_model

    model, out = build_tiny_model(tmp_path / "model"), tmp_path / "eval"
    args = [
        "evaluate",
        "--model",
        str(model),
        "--n",
        "2",
        "--priors",
        "counting",
        "--out",
        str(out),
        "--score",
        "graded",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.lstrip().startswith("n "))
    assert "credit [95% CI]" in header and header.rstrip().endswith("majority")
    assert any(line.startswith("scored graded: ") for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("What was learned ("))
    assert "graded credit" in lines[start] and "among these same held-out questions" in lines[start]
    families = [line for line in lines[start + 1 :] if line.startswith("  counting.")]
    assert families and all("always-the-most-common-answer: " in line for line in families)
    data = json.loads((out / "eval.json").read_text())
    assert data["score"] == "graded" and set(data["majority_answers"]) == {line.split()[0] for line in families}
    result = CliRunner().invoke(main, ["evaluate", "--model", str(model), "--score", "fuzzy"])
    assert result.exit_code == 2 and "'fuzzy' is not one of 'exact', 'graded'" in result.output
