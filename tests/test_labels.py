"""The plain-Python labelling that lets the registry's smoke check run without scipy gives
exactly scipy's labels and boxes."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

from priors import Conventions
from priors.scene import PLANAR, STRUCTURE, find_objects, flood_label, without_scipy

images = st.tuples(st.integers(1, 12), st.integers(1, 12)).flatmap(
    lambda s: arrays(np.uint8, s, elements=st.integers(0, 3))
)


@settings(max_examples=200, deadline=None)
@given(images, st.sampled_from([4, 8]))
def test_flood_labels_are_scipys_in_two_dimensions_and_over_colour_planes(image, connectivity):
    expected, n = ndimage.label(image > 0, STRUCTURE[connectivity])
    got, m = flood_label(image > 0, STRUCTURE[connectivity])
    assert m == n and np.array_equal(got, expected)
    planes = image[None] == np.arange(1, 4)[:, None, None]
    expected, n = ndimage.label(planes, PLANAR[connectivity])
    got, m = flood_label(planes, PLANAR[connectivity])
    assert m == n and np.array_equal(got, expected)


@settings(max_examples=200, deadline=None)
@given(images, st.sampled_from([4, 8]), st.booleans())
def test_without_scipy_a_parse_and_its_boxes_are_the_same(image, connectivity, univalued):
    conventions = Conventions(connectivity=connectivity, univalued=univalued, background=0)
    expected = conventions.parse(image)
    with without_scipy():
        got = conventions.parse(image)
        boxes = find_objects(got.labels)
    assert np.array_equal(got.labels, expected.labels) and got.areas == expected.areas
    assert boxes == ndimage.find_objects(expected.labels)
