"""Modules that moved keep importing under their old names, with a warning that names the
new address, for one release (priors.moved): code written against 0.1 keeps running."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings

import pytest

import trainers
from priors.moved import REMOVED_IN, MovedModules

MOVED = {**trainers.MOVED, "priors.checks": "priors.guards"}


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_name_imports_the_same_objects_with_a_warning(old):
    new = MOVED[old]
    code = (
        "import importlib, warnings\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        f"    old = importlib.import_module({old!r})\n"
        f"new = importlib.import_module({new!r})\n"
        "public = [n for n in dir(new) if not n.startswith('__')]\n"
        "assert public and all(getattr(old, n) is getattr(new, n) for n in public)\n"
        "print([str(w.message) for w in caught if w.category is DeprecationWarning])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"{old} moved to {new}; the old name stops importing in {REMOVED_IN}" in out


def test_every_new_address_exists_and_no_old_file_remains():
    for old, new in MOVED.items():
        assert importlib.util.find_spec(new) is not None, new
        assert MovedModules(MOVED).find_spec(old) is not None
    finder = MovedModules(MOVED)
    assert finder.find_spec("trainers.data.chat_builder") is None
    assert finder.find_spec("numpy") is None


def test_from_import_of_an_old_name_works():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from trainers.chats import ChatBuilder  # noqa: F401
        from trainers.data.chat_builder import ChatBuilder as new

    assert ChatBuilder is new
