"""The training plots say what they show (issue 22): the evaluation chart has a title, and the
loss curve's first steps no longer press the rest of it flat."""

import pytest

pytest.importorskip("matplotlib")

from trainers.data.chat_builder import ChatBuilder, ChatConfig  # noqa: E402
from trainers.training.evaluate import evaluate  # noqa: E402
from trainers.training.plots import loss_figure, plot_loss, plot_report, report_figure  # noqa: E402


class Oracle:
    def respond(self, prompts):
        return ["0"] * len(prompts)


def test_the_loss_curve_is_on_a_log_scale_so_warm_up_does_not_flatten_the_rest(tmp_path):
    losses = [(1, 40.0), (2, 9.0)] + [(s, 0.5 - s / 1000) for s in range(5, 200, 5)]
    ax = loss_figure(losses).axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == "Training loss" and "log scale" in ax.get_ylabel()
    low, high = ax.get_ylim()
    assert high / low < 1000  # the later losses take a visible share of the height
    assert loss_figure([(1, 0.0), (2, 0.0)]).axes[0].get_yscale() == "linear"  # a zero loss has no logarithm
    assert loss_figure([]).axes[0].get_title() == "Training loss"
    plot_loss(losses, tmp_path / "loss.png")
    assert (tmp_path / "loss.png").read_bytes()[:4] == b"\x89PNG"


def test_the_evaluation_chart_has_a_title_naming_its_questions(tmp_path):
    builder = ChatBuilder(ChatConfig(seed=3))
    records = [builder.record(i) for i in range(4)]
    report = evaluate(Oracle(), records, progress=False)
    questions = sum(len(r["metadata"]["qas"]) for r in records)
    title = report_figure(report).axes[0].get_title()
    assert title.startswith(f"Accuracy per family: {questions:,} questions")
    with open(tmp_path / "eval.png", "wb") as fh:
        plot_report(report, fh)
    assert (tmp_path / "eval.png").read_bytes()[:4] == b"\x89PNG"


def test_a_graded_report_is_charted_as_credit_not_exact_match():
    builder = ChatBuilder(ChatConfig(seed=3))
    records = [builder.record(i) for i in range(4)]
    ax = report_figure(evaluate(Oracle(), records, progress=False, score="graded")).axes[0]
    assert ax.get_title().startswith("Credit per family") and "graded credit" in ax.get_ylabel()
    ax = report_figure(evaluate(Oracle(), records, progress=False)).axes[0]
    assert "exact-match accuracy" in ax.get_ylabel()
