import numpy as np
import pytest

from priors import GridShapeError, GridTypeError, GridValueError, RaggedGridError, as_grid


@pytest.mark.parametrize(
    "data, error, words",
    [
        ([[0, 1], [2]], RaggedGridError, "row 1 has 1"),
        ([[0, 10]], GridValueError, "10"),
        ([[-1]], GridValueError, "-1"),
        ([], GridShapeError, "empty"),
        ([[]], GridShapeError, "empty"),
        ([[0] * 31], GridShapeError, "31"),
        ([[0]] * 31, GridShapeError, "31"),
        ([[0.5]], GridTypeError, "0.5"),
        ([[1.0]], GridTypeError, "1.0"),
        ([[True]], GridTypeError, "True"),
        ([["1"]], GridTypeError, "'1'"),
        ([1, 2], GridShapeError, "2-D"),
        ("0102", GridTypeError, "str"),
        (np.zeros((2, 2), dtype=float), GridTypeError, "float"),
        (np.zeros((2, 2, 2), dtype=int), GridShapeError, "3 dimension"),
        (np.zeros((0, 3), dtype=int), GridShapeError, "empty"),
    ],
)
def test_invalid_grids_get_a_specific_error_naming_the_problem(data, error, words):
    with pytest.raises(error) as info:
        as_grid(data)
    assert words in str(info.value)


def test_valid_grids_from_lists_and_arrays_agree_and_are_read_only():
    rows = [[0, 1, 2], [3, 4, 9]]
    from_list, from_array = as_grid(rows), as_grid(np.array(rows, dtype=np.int64))
    assert from_list.tolist() == rows == from_array.tolist()
    assert from_list.dtype == np.uint8
    with pytest.raises(ValueError):
        from_list[0, 0] = 5


def test_the_caller_array_is_not_aliased():
    data = np.zeros((2, 2), dtype=np.uint8)
    grid = as_grid(data)
    data[0, 0] = 7
    assert grid[0, 0] == 0
