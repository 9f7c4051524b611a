import re

import numpy as np
import pytest
from hypothesis import given

from priors import ENCODERS, EncodingError, encode, get_encoder
from priors.testing import grids


@pytest.mark.parametrize("name", sorted(ENCODERS))
@given(grid=grids())
def test_every_encoder_decodes_back_to_the_same_grid(name, grid):
    encoder = get_encoder(name)
    assert np.array_equal(encoder.decode(encoder.encode(grid)), grid)


@given(grid=grids())
def test_text_forms_follow_the_documented_layouts(grid):
    rows = ["".join(str(v) for v in row) for row in grid.tolist()]
    assert encode(grid, "digits") == "\n".join(rows)
    assert encode(grid, "spaced") == "\n".join(" ".join(row) for row in rows)
    h, w = grid.shape
    assert encode(grid, "header") == "\n".join([f"{h}x{w}", *(f"{i}: {row}" for i, row in enumerate(rows))])
    letters = "abcdefghijklmnopqrstuvwxyzABCD"
    assert encode(grid, "columns") == "\n".join("".join(letters[j] + v for j, v in enumerate(row)) for row in rows)


@pytest.mark.parametrize(
    "name, text, problem",
    [
        ("digits", "01\n2", "ragged grid: row 0 has 2 cells but row 1 has 1"),
        ("digits", "0a", "row 0 is '0a', not a run of digits"),
        ("spaced", "01 2", "row 0 is '01 2', not digits separated by single spaces"),
        ("header", "2x2\n0: 01", "header says 2x2 but the rows make 1x2"),
        ("header", "0: 01", "first line '0: 01' is not 'ROWSxCOLS'"),
        ("header", "1x2\n1: 01", "line 1 should start with '0: ', got '1: 01'"),
        *(
            ("columns", text, f"row 0 is '{text}', not cells written a0b1c2")
            for text in ("a0c1", "b0", "a0b", "a0 b1", "0102")
        ),
    ],
)
def test_malformed_text_gets_an_encoding_error_naming_the_encoding_and_the_problem(name, text, problem):
    with pytest.raises(EncodingError, match=f"^{name} encoding: {re.escape(problem)}"):
        get_encoder(name).decode(text)


def test_an_unknown_encoder_lists_the_known_ones():
    with pytest.raises(KeyError, match="digits, spaced, header"):
        get_encoder("base64")
