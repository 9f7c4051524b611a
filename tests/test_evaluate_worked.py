"""Evaluating worked answers: a reply is judged by its last line, its steps by how many hold
against the grid, reported beside the accuracy; the table, the verdicts, saved reports and
the generation budget keep working."""

import pytest
from scripted import asked, gold_questions

from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights
from trainers.training.evaluate import EvalReport, evaluate, judge, reply_tokens
from trainers.training.report import majority_report, verdicts

CONFIG = ChatConfig(priors=parse_weights("counting=2,area"), seed=21, answers="worked", questions_per_chat=3)


@pytest.fixture(scope="module")
def records():
    builder = ChatBuilder(CONFIG)
    return [builder.record(i) for i in range(40)]


class Worker:
    """Replies with each question's reference reply (looked up by grid and question), or with
    its steps and a wrong last line, or with the bare answer alone."""

    def __init__(self, records, how="right"):
        self.replies = gold_questions(records)
        self.how = how

    def respond(self, prompts):
        out = []
        for prompt in prompts:
            qa = self.replies[asked(prompt)]
            reply = qa.get("worked") or qa["answer"]
            if self.how == "wrong sum":
                reply = "\n".join([*reply.split("\n")[:-1], "wrong"])
            elif self.how == "bare":
                reply = qa["answer"]
            out.append(reply)
        return out


def _worked_families(records):
    return {qa["family"] for r in records for qa in r["metadata"]["qas"] if qa["worked"] is not None}


def test_reference_replies_score_everything_and_every_step_holds(records):
    report = evaluate(Worker(records), records, progress=False)
    worked = _worked_families(records)
    assert worked
    for mode in report.modes:
        s = report[mode]
        assert s.overall.accuracy == 1.0
        assert (
            set(s.steps) == worked and all(share.mean == 1.0 for share in s.steps.values()) and s.all_steps.mean == 1.0
        )
    unworked = sum(qa["worked"] is None for r in records for qa in r["metadata"]["qas"])
    assert (
        sum(r.steps is None for r in report.rows) == len(report.modes) * unworked
    )  # steps exactly where there is work


def test_a_right_trace_with_a_wrong_sum_is_wrong_but_its_steps_hold(records):
    report = evaluate(Worker(records, "wrong sum"), records, progress=False)
    for row in report.rows:
        assert row.correct == (row.steps is None)  # only the questions without work kept their answer
    assert all(share.mean == 1.0 for share in report["isolated"].steps.values())
    bare = evaluate(Worker(records, "bare"), records, progress=False)
    assert bare["isolated"].overall.accuracy == 1.0
    assert {r.steps for r in bare.rows if r.steps is not None} <= {0.0, 1.0}  # no lines: 1 only where none were needed


def test_the_table_verdicts_and_saved_reports_show_the_steps(records, tmp_path):
    report = evaluate(Worker(records, "wrong sum"), records, progress=False)
    baseline = majority_report(report, {f: "1" for f in report.families})
    table = report.table(baseline)
    header = table.splitlines()[0]
    assert "in-chat steps" in header and "isolated steps" in header and "majority" in header
    family = sorted(_worked_families(records))[0]
    line = next(line for line in table.splitlines() if line.startswith(family))
    assert "1.000" in line.split()[-3:]
    assert all(r.steps is None for r in baseline.rows)
    said = verdicts(report, baseline)
    assert f"{family}" in said and "100% of its step lines hold" in said
    assert EvalReport.from_dict(report.as_dict()) == report
    assert report.as_dict()["summary"]["isolated"]["steps"][family] == {
        "n": report["isolated"].steps[family].n,
        "holding": 1.0,
    }


def test_a_report_saved_before_steps_existed_still_loads_and_prints(records):
    bare_records = [ChatBuilder(ChatConfig(seed=2)).record(i) for i in range(5)]
    report = evaluate(Worker(bare_records), bare_records, progress=False)
    saved = report.as_dict()
    for row in saved["rows"]:
        del row["steps"]
    again = EvalReport.from_dict(saved)
    assert again == report and "steps" not in again.table().splitlines()[0]


def test_judge_reads_the_last_line_of_a_worked_question_only():
    worked = {"answer": "2", "worked": "1 at 0,0\n1 at 2,2\n2"}
    assert judge("1 at 0,0\n1 at 2,2\n2", worked) == 1 and judge("2\n3", worked) == 0
    assert judge("1 at 0,0\n2", {"answer": "2"}) == 0 and judge("2", {"answer": "2", "worked": None}) == 1


class CharTokenizer:
    """One token a character: enough to size a generation budget."""

    def __call__(self, texts, add_special_tokens=False):
        return {"input_ids": [[0] * len(t) for t in texts]}


def test_the_generation_budget_fits_the_longest_reference_reply(records):
    longest = max(len(m["content"]) for r in records for m in r["messages"] if m["role"] == "assistant")
    assert longest > 48
    assert reply_tokens(CharTokenizer(), records) == longest + longest // 4 + 8
    bare = ChatBuilder(ChatConfig(priors=parse_weights("counting"), seed=2))
    assert reply_tokens(CharTokenizer(), [bare.record(i) for i in range(20)]) == 48  # short bare answers: as before
    assert reply_tokens(CharTokenizer(), []) == 48
