"""Reference answers of the families added to counting and area after tests/reference.py:
plain counts over the BFS objects, no code shared with the priors."""

from __future__ import annotations

from collections import Counter


def _objects_per_color(ref) -> Counter:
    """Objects holding each colour other than the background; a multicolour object counts for each."""
    return Counter(c for o in ref.objects for c in ref.colors_of(o) if c != ref.bg)


def most_objects_color(ref):
    per = _objects_per_color(ref)
    if len(per) < 2:
        return None
    (first, n), (_, m) = per.most_common(2)
    return None if n == m else str(first)


def same_count(ref, a, b):
    per = _objects_per_color(ref)
    if per[a] == 0 or per[b] == 0:
        return None
    return "yes" if per[a] == per[b] else "no"


def same_size(ref, color):
    holders = [o for o in ref.objects if color in ref.colors_of(o)]
    if len(holders) != 1 or ref.colors_of(holders[0]) != {color}:
        return None
    size = len(holders[0])
    return str(sum(1 for o in ref.objects if o is not holders[0] and len(o) == size))


ANSWERS = {
    "counting.most_objects_color": most_objects_color,
    "counting.same_count": same_count,
    "area.same_size": same_size,
}
