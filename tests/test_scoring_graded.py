"""The spec of `priors.scoring.score_answer`: graded credit for free-text answers.

Each property reads as a sentence about the score; the worked examples at the end were
computed by hand from the rules in priors/scoring.py's docstring.
"""

import functools

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import priors
from priors import normalize
from priors.scoring import CLOSE, Grading, extract_answer, grading, score_answer
from priors.testing import own_answers


@functools.cache
def real_answers() -> list[tuple[str, str]]:
    """(family, gold answer) pairs drawn from every installed prior's own sampler."""
    pairs = set()
    for name in priors.available():
        for family, answers in own_answers(priors.load(name), samples=30).items():
            pairs.update((family, answer) for answer in answers)
    return sorted(pairs)


numbers = st.integers(0, 10**4).map(str)
number_lists = st.lists(st.integers(0, 60).map(str), min_size=2, max_size=8).map(", ".join)
descriptions = st.lists(
    st.tuples(st.integers(0, 9), st.integers(1, 30), st.sampled_from(["cell", "square", "horizontal line", "other"])),
    min_size=2,
    max_size=5,
).map(lambda items: "; ".join(f"{c} {a} {k}" for c, a, k in items))
words = st.sampled_from(["yes", "no", "Grid A", "Grid B", "2 x 3", "none", "hollow rectangle"])


@st.composite
def entries(draw) -> dict:
    """A gold answer of any shape, from a real family or made up (then graded by its shape)."""
    if draw(st.booleans()):
        family, answer = draw(st.sampled_from(real_answers()))
        return {"answer": answer, "family": family}
    return {"answer": draw(numbers | number_lists | descriptions | words)}


WRAPPERS = [
    "{}",
    "{}\n",
    "  {}.  ",
    "**{}**",
    "`{}`",
    "The answer is {}.",
    "the answer is: {}",
    "Answer: {}",
    "**Answer:** {}",
    "Final answer:\n{}",
    "\\boxed{{{}}}",
    "$\\boxed{{{}}}$",
    "<answer>{}</answer>",
    "<answer>\n{}\n</answer>",
    "Let me look at the grid.\nI count row by row, 3 rows in all.\n{}",
    "Looking at it again, the answer is {}. That settles it.",
]
"""Every documented free-text form of an answer."""

NUMBER_WRAPPERS = ["I think it's {}", "There are {} of them.", "Counting 2 and 5 gives {}", "So the areas are {}."]
"""Forms that only answers made of numbers survive (the value is cut out of the sentence)."""

FRAGMENTS = st.sampled_from(
    [
        "answer",
        "Answer is",
        "answer:",
        "<answer>",
        "</answer>",
        "\\boxed{",
        "}",
        "*",
        ", ",
        ";",
        ".",
        "\n",
        " ",
        "7",
        "-",
        "1.5",
    ]
)
noise = st.lists(FRAGMENTS | st.text(max_size=4), max_size=12).map("".join)


@given(entry=entries(), text=noise | st.text())
def test_the_score_is_between_zero_and_one(entry, text):
    assert 0.0 <= score_answer(text, entry) <= 1.0


@given(entry=entries(), text=noise | st.text())
def test_the_score_is_one_exactly_when_the_extracted_answer_is_the_gold_answer(entry, text):
    exact = extract_answer(text, entry) == normalize(entry["answer"])
    assert (score_answer(text, entry) == 1.0) == exact
    if not exact:
        assert score_answer(text, entry) <= CLOSE


@given(entry=entries(), wrapper=st.sampled_from(WRAPPERS))
def test_a_correct_answer_in_any_documented_free_text_form_scores_one(entry, wrapper):
    assert score_answer(wrapper.format(entry["answer"]), entry) == 1.0


@given(entry=entries(), wrapper=st.sampled_from(NUMBER_WRAPPERS))
def test_an_answer_made_of_numbers_is_cut_out_of_a_sentence(entry, wrapper):
    gold = entry["answer"]
    assume(all(part.strip().isdigit() for part in gold.replace(";", ",").split(",")))
    assert score_answer(wrapper.format(gold), entry) == 1.0


@given(
    gold=st.integers(0, 500),
    a=st.integers(-1000, 1000),
    b=st.integers(-1000, 1000),
    family=st.sampled_from([None, "counting.objects"]),
)
def test_a_number_further_from_the_gold_never_scores_higher(gold, a, b, family):
    near, far = sorted((a, b), key=lambda p: abs(p - gold))
    entry = {"answer": str(gold), "family": family}
    s_near, s_far = score_answer(str(near), entry), score_answer(str(far), entry)
    assert s_near >= s_far
    if abs(near - gold) < abs(far - gold) and s_far > 0:
        assert s_near > s_far  # strictly falling wherever there is credit left
    assert (s_near == 1.0) == (near == gold)


@given(
    gold=st.lists(st.integers(0, 40).map(str), min_size=2, max_size=8)
    | st.lists(st.sampled_from(["1 1 cell", "2 3 square", "5 2 other", "2 4 horizontal line"]), min_size=2, max_size=6),
    data=st.data(),
)
def test_a_list_with_more_correct_items_in_order_never_scores_lower(gold, data):
    separator = "; " if " " in gold[0] else ", "
    entry = {"answer": separator.join(gold)}
    more = sorted(data.draw(st.sets(st.integers(0, len(gold) - 1)), label="more"))
    fewer = sorted(data.draw(st.sets(st.sampled_from(more)) if more else st.just(set()), label="fewer"))
    wrong = data.draw(
        st.lists(st.sampled_from(["99", "77"] if separator == ", " else ["9 9 other", "8 1 cell"]), max_size=3),
        label="wrong",
    )
    s_more = score_answer(separator.join([gold[i] for i in more] + wrong), entry)
    s_fewer = score_answer(separator.join([gold[i] for i in fewer] + wrong), entry)
    assert s_more >= s_fewer


@given(
    entry=st.fixed_dictionaries({"answer": numbers, "family": st.sampled_from([None, "area.max", "colors.most"])}),
    text=st.text(alphabet=st.characters(blacklist_categories=["Nd"])),
)
def test_text_with_no_number_in_it_scores_zero_on_a_number(entry, text):
    assert score_answer(text, entry) == 0.0


@given(entry=entries(), text=noise | st.text())
def test_normalising_the_gold_or_a_one_line_answer_changes_no_score(entry, text):
    assert score_answer(text, entry | {"answer": normalize(entry["answer"])}) == score_answer(text, entry)
    assume(len(text.splitlines()) <= 1)
    assert score_answer(normalize(text), entry) == score_answer(text, entry)


def test_every_installed_family_is_graded_as_its_declared_format_says():
    for family, answer in real_answers():
        how = grading({"answer": answer, "family": family})
        fmt = next(f.answer_format for f in priors.load(family.split(".")[0]).families if f.id == family)
        if isinstance(fmt, frozenset):
            assert how == Grading("categorical"), family
        elif "; " in fmt or ", " in fmt:
            assert how.kind == "list", family
        else:
            assert how == grading({"answer": answer}), family  # the gold's shape decides


def test_a_family_no_installed_prior_declares_is_graded_by_the_answer_shape():
    assert grading({"answer": "3", "family": "nosuchprior.colour"}) == Grading("numeric")
    assert grading({"answer": "3", "metadata": {"family": "colors.most"}}) == Grading("categorical")
    assert grading({"answer": "2 x 3"}) == Grading("categorical")


@pytest.mark.parametrize(
    "text, gold, family, expected",
    [
        ("7", "7", None, 1.0),
        ("6", "7", None, 0.9 * (1 - 1 / 8)),
        ("5", "4", "counting.objects", 0.9 * (1 - 1 / 5)),
        ("9", "4", None, 0.0),  # 5 away from 4 is |4| + 1 away: no credit left
        ("1", "0", None, 0.0),
        ("07", "7", None, 0.9),  # the right value, not the exact answer
        ("seven", "7", None, 0.0),
        ("There are 3 red and 4 blue objects,\nso 7 in all.", "7", None, 1.0),
        ("The answer is 7 (3 red and 4 blue).", "7", None, 1.0),
        ("4", "3", "area.max", 0.9 * (1 - 1 / 4)),
        ("4", "3", "colors.most", 0.0),  # a colour: near is not better
        ("1, 7, 7", "1, 1, 7, 7", None, 0.9 * (6 / 7 + 3 / 4) / 2),  # F1 6/7, LCS 3 of 4
        ("7, 7, 1, 1", "1, 1, 7, 7", None, 0.9 * (1 + 2 / 4) / 2),  # every value, half the order
        ("The areas are 1,1,7,7.", "1, 1, 7, 7", "area.sorted", 1.0),
        ("7, 7", "7", "area.sorted", 0.9 * (2 / 3 + 1 / 2) / 2),  # a list family, even with one item
        ("2 3 horizontal line", "2 3 horizontal line; 5 1 cell", None, 0.9 * (2 / 3 + 1 / 2) / 2),
        ("left-right", "left-right, rotation 180", None, 0.9 * (2 / 3 + 1 / 2) / 2),
        ("3, 2", "2, 3", "zones.most", 0.9 * (1 + 1 / 2) / 2),
        ("The answer is Yes.", "yes", None, 1.0),
        ("no", "yes", None, 0.0),
        ("**Answer:** Grid B", "Grid A", None, 0.0),
        ("<answer>2 x 3</answer>", "2 x 3", "zones.layout", 1.0),
        ("Answer: 5\nWait, I missed one. Final answer: 6", "6", None, 1.0),
        ("", "0", None, 0.0),
        (None, "none", None, 0.0),
        (
            "9" * 5000,
            "7",
            None,
            0.0,
        ),  # a number too long for Python to convert is no near miss  # no answer at all is not the answer "none"
    ],
)
def test_worked_examples(text, gold, family, expected):
    assert score_answer(text, {"answer": gold, "family": family}) == pytest.approx(expected)


def test_a_grid_answer_is_read_whole_and_graded_by_equal_cells():
    entry = {"answer": "012\n345\n678", "family": "arc-tasks.solve"}
    assert score_answer("The output is:\n012\n345\n678", entry) == 1.0
    assert score_answer("012\n345\n670", entry) == pytest.approx(0.9 * 8 / 9)
    assert score_answer("678", entry) == 0.0  # the last row alone is not the grid
    assert score_answer("01\n34\n67", entry) == 0.0  # another shape
    worse = score_answer("000\n000\n678", entry)
    assert 0 < worse < score_answer("012\n345\n670", entry) < 1
