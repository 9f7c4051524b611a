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
    "name, text",
    [("digits", "01\n2"), ("digits", "0a"), ("spaced", "01 2"), ("header", "2x2\n0: 01"), ("header", "0: 01"), ("header", "1x2\n1: 01"),
     ("columns", "a0c1"), ("columns", "b0"), ("columns", "a0b"), ("columns", "a0 b1"), ("columns", "0102")],
)
def test_malformed_text_gets_an_encoding_error(name, text):
    with pytest.raises(EncodingError):
        get_encoder(name).decode(text)


def test_an_unknown_encoder_lists_the_known_ones():
    with pytest.raises(KeyError, match="digits, spaced, header"):
        get_encoder("base64")
