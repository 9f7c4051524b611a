"""Scoring worked replies: the answer read from the last line (never for grid answers), the
step credit held to an independent check of the grid (a plain BFS, `tests/reference.py`),
and rewards that keep a GRPO group of worked completions apart."""

import functools
import statistics
from pathlib import Path

import pytest
import ref_worked
from hypothesis import given
from hypothesis import strategies as st
from reference import bfs_objects

from priors.questions import worked_text
from priors.scoring import extract_answer, score_answer
from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights
from trainers.data.schema import grpo_rows as file_rows
from trainers.training.rewards import exact_match_reward, graded_reward, grpo_rows, step_reward
from trainers.training.step_credit import StepScore, check_steps, score_steps, step_lines

WORKED = ChatConfig(priors=parse_weights("counting"), seed=9, answers="worked", questions_per_chat=3)


def _worked_rows(n: int, family: str | None = None) -> list[dict]:
    """GRPO rows (isolated prompts) of worked questions, of one family when named."""
    builder = ChatBuilder(WORKED)
    rows = [row for i in range(n) for row in grpo_rows(builder.record(i)) if row["worked"] is not None]
    return [r for r in rows if family is None or r["family"] == family]


def _trl_call(reward, completions, rows):
    """Call a reward function as trl 1.16's GRPOTrainer does: every column but the prompt as a list."""
    columns = {key: [row[key] for row in rows] for key in rows[0] if key != "prompt"}
    return reward(
        prompts=[row["prompt"] for row in rows],
        completions=completions,
        completion_ids=[[1]] * len(rows),
        trainer_state=None,
        log_extra=lambda *a, **k: None,
        log_metric=lambda *a, **k: None,
        **columns,
    )


# --- the answer of a worked reply --------------------------------------------------------


def test_a_worked_reply_is_answered_on_its_last_line():
    entry = {"answer": "7", "family": "counting.objects", "worked": "3 at 0,2\n7"}
    assert score_answer("The answer is 9, I thought.\n7", entry) == 1.0  # a bare entry would read the marker's 9
    assert score_answer("The answer is 9, I thought.\n7", {"answer": "7", "family": "counting.objects"}) < 1.0
    assert extract_answer("3 at 0,2\n4 at 5,5\n\n**7**\n", entry) == "7"
    assert score_answer("3 at 0,2\n6", entry) == score_answer("6", {"answer": "7", "family": "counting.objects"}) > 0
    assert (
        score_answer("3 at 0,2", entry) == score_answer("2", entry) < 1.0
    )  # a trace cut before its answer: its last step is read
    assert score_answer("7", {**entry, "worked": None}) == 1.0  # null: a question that shows no work, scored as ever


def test_a_grid_answer_is_never_cut_to_its_last_line():
    grid = "012\n340\n000"
    for worked in (None, "a step\n" + grid):
        entry = {"answer": grid, "worked": worked}
        assert score_answer("Here it is:\n012\n340\n000", entry) == 1.0
        assert 0 < score_answer("012\n340\n001", entry) < 1.0


@functools.cache
def worked_counting():
    import arc_priors

    return arc_priors.create_dataset("counting", size=4_000, seed=4, answers="worked")


@given(index=st.integers(0, 3_999))
def test_every_worked_reference_reply_scores_one_in_every_form_of_entry(index):
    """Items of one chunk (a chunk is made whole, so a random index of a million made 4,000
    records an example): the items are independent draws all the same."""
    item = worked_counting()[index]
    reply = item["messages"][-1]["content"]
    assert score_answer(reply, item) == 1.0 and extract_answer(reply, item) == item["answer"]
    assert score_steps(reply, item) == (None if item["worked"] is None else 1.0)


# --- step credit against an independent check -------------------------------------------


def _true_rows(grid, connectivity: int) -> list[str]:
    """counting.objects' steps by BFS, a row a line: the reference's own trace (ref_worked)."""
    return ref_worked.counting_objects(ref_worked.WorkedReference(grid, connectivity))


def _independent(grid, connectivity: int, lines: list[str]) -> tuple[int, int, int, int]:
    """(lines, hold, distinct, reference) for counting.objects' steps: a line holds when it is
    one of the grid's true label rows; the reference counts its different rows."""
    true = set(_true_rows(grid, connectivity))
    holding = [line for line in lines if line in true]
    return len(lines), len(holding), len(set(holding)), len(true)


def _f1(lines, hold, distinct, reference) -> float:
    holding = hold / lines if lines else float(reference == 0)
    complete = min(1.0, distinct / reference) if reference else 1.0
    return 0.0 if holding + complete == 0 else 2 * holding * complete / (holding + complete)


@st.composite
def objects_replies(draw):
    """A grid, its counting.objects record parts, and a reply made of true label rows
    (perhaps repeated), a true row with one cell changed, and made-up lines."""
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    grid = draw(st.lists(st.lists(st.integers(0, 3), min_size=w, max_size=w), min_size=h, max_size=h))
    connectivity = draw(st.sampled_from([4, 8]))
    true = _true_rows(grid, connectivity)
    count = len(bfs_objects(grid, connectivity, True, "most_common"))
    made_up = st.text(alphabet=".123456789abc", min_size=1, max_size=6)
    changed = st.builds(
        lambda at, glyph: true[0][:at] + glyph + true[0][at + 1 :],
        st.integers(0, max(0, len(true[0]) - 1)),
        st.sampled_from(".1234"),
    )
    pool = st.sampled_from(true) | changed | made_up
    lines = draw(st.lists(pool, max_size=12))
    answer = draw(st.sampled_from([str(count), str(count + 1)]))
    return grid, connectivity, true, lines, answer


@given(objects_replies())
def test_the_step_credit_of_counting_objects_is_the_independent_checks(case):
    grid, connectivity, true, lines, answer = case
    metadata = {
        "grids": [grid],
        "conventions": {
            "connectivity": connectivity,
            "univalued": True,
            "background": "most_common",
            "encoder": "digits",
        },
        "qas": [
            {
                "prior": "counting",
                "family": "counting.objects",
                "params": "{}",
                "question": "How many objects?",
                "answer": str(len(bfs_objects(grid, connectivity, True, "most_common"))),
                "worked": worked_text(true, str(len(bfs_objects(grid, connectivity, True, "most_common")))),
                "grids": [0],
            }
        ],
    }
    reply = "\n".join([*lines, answer])
    score = check_steps(reply, metadata, metadata["qas"][0])
    assert (score.lines, score.hold, score.distinct, score.reference) == _independent(grid, connectivity, lines)
    assert score_steps(reply, {"metadata": metadata}) == pytest.approx(_f1(*_independent(grid, connectivity, lines)))


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_step_credit_is_the_f1_of_holding_and_complete_and_one_only_for_a_full_true_trace(
    lines, hold, distinct, reference
):
    hold, distinct = min(hold, lines), min(distinct, hold, lines)
    score = StepScore(lines, hold, distinct, reference)
    assert 0.0 <= score.credit <= 1.0 and score.credit == pytest.approx(_f1(lines, hold, distinct, reference))
    assert (score.credit == 1.0) == (hold == lines and distinct >= reference and (lines > 0 or reference == 0))


def test_step_lines_are_every_non_empty_line_but_the_last():
    assert step_lines(" 1 at 0,0 \n\n2 at 1,1\n2\n") == ["1 at 0,0", "2 at 1,1"]
    assert step_lines("7") == [] and step_lines("") == []


def test_a_question_that_is_not_worked_has_no_step_credit():
    record = ChatBuilder(WORKED).record(0)
    metadata = record["metadata"]
    for turn, qa in enumerate(metadata["qas"]):
        bare = {**metadata, "qas": [dict(q, worked=None) for q in metadata["qas"]]}
        assert score_steps("1 at 0,0\n1", {"metadata": bare, "turn": turn}) is None
        unknown = {**metadata, "qas": [dict(q, family="nowhere.count") for q in metadata["qas"]]}
        assert score_steps("1 at 0,0\n1", {"metadata": unknown, "turn": turn}) is None


# --- rewards on worked rows ---------------------------------------------------------------


def _completions(worked: str, answer: str) -> list[str]:
    """What a sampled group could hold: the reference, a right trace with a wrong sum, a trace
    missing its first step, and garbage."""
    steps = worked.split("\n")[:-1]
    return [
        worked,
        "\n".join([*steps, str(int(answer) + 2)]),
        "\n".join([*steps[1:], answer]),
        "the grid\nhas things\nmany",
    ]


def test_on_worked_rows_the_rewards_tell_apart_a_right_trace_a_wrong_sum_a_missing_line_and_garbage():
    rows = [r for r in _worked_rows(60, "counting.color") if r["worked"].count("\n") >= 2]
    assert len(rows) >= 10
    flat = {"graded": 0, "step": 0}
    for row in rows:
        group = [[{"role": "assistant", "content": c}] for c in _completions(row["worked"], row["answer"])]
        group_rows = [row] * len(group)
        graded = _trl_call(graded_reward, group, group_rows)
        exact = _trl_call(exact_match_reward, group, group_rows)
        steps = _trl_call(step_reward, group, group_rows)
        assert exact == [1.0, 0.0, 1.0, 0.0]
        assert (
            steps[0] == steps[1] == 1.0 and 0.0 < steps[2] < 1.0 and steps[3] == 0.0
        )  # the wrong sum keeps its trace's credit
        assert graded[0] == graded[2] == 1.0 and graded[1] < 1.0
        flat["graded"] += statistics.pvariance(graded) == 0
        flat["step"] += statistics.pvariance(steps) == 0
    assert flat == {"graded": 0, "step": 0}


def test_the_rewards_read_generates_grpo_rows_and_give_none_where_a_question_shows_no_work():
    builder = ChatBuilder(
        ChatConfig(
            priors=parse_weights("counting,arc-tasks=0.3"),
            tasks=str(Path(__file__).with_name("arc_fixtures") / "tasks"),
            seed=1,
            answers="worked",
        )
    )
    rows = [row for i in range(30) for row in file_rows(builder.record(i))]
    replies = [row["worked"] or row["answer"] for row in rows]
    assert _trl_call(graded_reward, replies, rows) == [1.0] * len(rows)
    steps = _trl_call(step_reward, replies, rows)
    assert [s is None for s in steps] == [row["worked"] is None for row in rows]
    assert {s for s in steps if s is not None} == {1.0} and None in steps
    with pytest.raises(ValueError, match="2 completions but 1 metadata rows"):
        step_reward(["1", "2"], metadata=[rows[0]["metadata"]])


def test_bare_rows_are_as_before_and_have_no_step_credit():
    record = ChatBuilder(ChatConfig()).record(3)
    rows = list(grpo_rows(record))
    assert all(set(row) == {"prompt", "answer", "family"} for row in rows)
    turns = list(range(len(rows)))
    assert step_reward([r["answer"] for r in rows], metadata=[record["metadata"]] * len(rows), turn=turns) == [
        None
    ] * len(rows)
