"""The mutant list of benchmarks/mutants.py still fits the tree (nothing is run): an edit that
moves a mutated line or renames a test shows here, not first in a 15-minute run."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from mutant_list import CATEGORIES, MUTANTS  # noqa: E402
from mutants import check  # noqa: E402


def test_the_mutant_list_is_well_formed_and_fits_the_tree():
    assert len(MUTANTS) >= 40
    assert {m.category for m in MUTANTS} == set(CATEGORIES)
    assert check(list(MUTANTS)) == []  # ids unique, each text once in its file, tests named and present
