"""Chunk samplers' shapes follow the shape makers' laws."""

from collections import Counter

import numpy as np
import pytest

from generators.fast_shapes import Catalogue, line_lengths
from generators.shapes import blob


@pytest.mark.parametrize("area", [2, 3, 6, 10, 16])
def test_lines_grown_in_one_go_have_the_lengths_blob_grows_in_a_one_cell_box(area):
    """8,000 blobs each way, in total variation distance within 0.04 (two samples of blob
    itself of this size differ by up to about 0.02); with large areas blob often stalls,
    so short lines are common and the test sees the whole law, not just its top."""
    rng = np.random.default_rng(area)
    slow = Counter(blob(rng, area, 1, 30).shape[1] for _ in range(8000))
    fast = Counter(line_lengths(np.random.default_rng(100 + area), np.full(8000, area)).tolist())
    gap = 0.5 * sum(abs(slow[k] - fast[k]) for k in set(slow) | set(fast)) / 8000
    assert gap < 0.04, (slow, fast)


def test_grown_shapes_in_thin_boxes_are_lines_along_the_box_and_others_fit_their_boxes():
    catalogue, rng = Catalogue(), np.random.default_rng(0)
    area = np.array([5, 5, 1, 3, 7, 4])
    max_h = np.array([1, 9, 1, 2, 3, 30])
    max_w = np.array([9, 1, 1, 2, 3, 1])
    h, w = catalogue.shape(catalogue.grown(rng, area, max_h, max_w))
    assert (h <= max_h).all() and (w <= max_w).all()
    assert (h[max_w == 1] >= 1).all() and (w[max_w == 1] == 1).all() and (h[max_h == 1] == 1).all()
    for number, (a, hh, ww) in zip(catalogue.grown(rng, area, max_h, max_w).tolist(), zip(area, max_h, max_w)):
        mask = catalogue.mask(number)
        assert 1 <= mask.sum() <= min(a, hh * ww) and mask.shape[0] <= hh and mask.shape[1] <= ww
        assert mask.all() or min(hh, ww) > 1  # in a box one cell wide, a line
