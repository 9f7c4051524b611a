from hypothesis import given
from hypothesis import strategies as st

from priors import score


@given(values=st.lists(st.integers(0, 900), min_size=1, max_size=8))
def test_a_list_answer_matches_whatever_its_spacing_and_case(values):
    answer = ", ".join(map(str, values))
    assert score(",".join(map(str, values)), answer) == 1
    assert score(f"  {' ,  '.join(map(str, values))}.\n", answer) == 1


@given(a=st.integers(0, 99), b=st.integers(0, 99))
def test_a_number_scores_one_exactly_when_it_is_the_answer(a, b):
    assert score(str(a), str(b)) == int(a == b)


def test_extra_words_do_not_match():
    assert score("There are 4", "4") == 0
    assert score("", "0") == 0
