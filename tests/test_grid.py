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
    with pytest.raises(ValueError, match="read-only"):
        from_list[0, 0] = 5


def test_the_caller_array_is_not_aliased():
    data = np.zeros((2, 2), dtype=np.uint8)
    grid = as_grid(data)
    data[0, 0] = 7
    assert grid[0, 0] == 0


def test_a_masked_array_is_refused_rather_than_read_through_its_mask():
    with pytest.raises(GridTypeError, match="masked array"):
        as_grid(np.ma.array([[1, 99], [0, 0]], mask=[[0, 1], [0, 0]]))


def test_a_matrix_is_taken_as_the_plain_array_it_holds():
    assert as_grid(np.matrix([[0, 1], [2, 3]])).tolist() == [[0, 1], [2, 3]]


def test_a_grid_cannot_be_made_writeable_again():
    grid = as_grid([[1, 2]])
    with pytest.raises(ValueError, match="cannot set WRITEABLE flag"):
        grid.flags.writeable = True


def test_a_scene_owns_its_grid_whatever_the_caller_does_with_theirs():
    from priors import parse

    data = np.array([[1, 1], [0, 0]], dtype=np.uint8)
    data.flags.writeable = False  # read-only already: still copied, since the caller owns the buffer
    scene = parse(data)
    data.flags.writeable = True
    data[1, 1] = 1
    assert scene.grid.tolist() == [[1, 1], [0, 0]] and scene.areas == (2,)
    for array in (scene.grid, scene.labels, scene.cells_by_color):
        with pytest.raises(ValueError, match="cannot set WRITEABLE flag"):
            array.flags.writeable = True


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"connectivity": 8.0}, "connectivity must be the integer 4 or 8, got 8.0"),
        ({"connectivity": 6}, "connectivity must be the integer 4 or 8, got 6"),
        ({"connectivity": True}, "connectivity must be the integer 4 or 8"),
        ({"univalued": "yes"}, "univalued must be True or False, got 'yes'"),
        ({"background": 10}, "background must be a colour 0-9"),
        ({"background": "black"}, "background must be a colour 0-9"),
    ],
)
def test_bad_conventions_are_refused_in_a_sentence(kwargs, words):
    from priors import parse

    with pytest.raises(ValueError) as info:
        parse([[0]], **kwargs)
    assert str(info.value) == words or words in str(info.value)


def test_numpy_scalars_are_accepted_and_recorded_as_plain_values():
    from priors import Conventions

    c = Conventions(np.int64(4), np.bool_(False), np.int64(0))
    assert c.as_dict() == {"connectivity": 4, "univalued": False, "background": 0}
    assert all(type(v) in (int, bool) for v in c.as_dict().values())
