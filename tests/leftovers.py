"""What a test session must not leave behind: anything new in the home folder (its top
level, three levels of its caches and settings) or, by the names the stack gives them, in the
system temporary folder. `conftest.py` takes a `Watch` before the first test and asks it
at the end."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs

STACK_NAMES = re.compile(r"pytest-of-.*|torchelastic_.*")
"""Names only a test session makes in the system temporary folder (pytest's base folder,
torchrun's). Everything that goes through `tempfile` (its own `tmpXXXXXXXX`, multiprocessing,
torch) follows TMPDIR into the session folder, so anything else new there is another
program's: the folder is shared, and judging it would make the suite flaky."""
INSTALLERS = frozenset({"pip", "uv", "pypoetry"})
"""Caches in ~/.cache that package installers fill, not the tests: an install running beside
the tests would show there."""


def _walk(folder: Path, depth: int, skip: frozenset = frozenset()) -> set[str]:
    if depth == 0:
        return set()
    try:
        entries = [e for e in os.scandir(folder) if e.name not in skip]
    except OSError:
        return set()
    found = {e.path for e in entries}
    for e in entries:
        if e.is_dir(follow_symlinks=False):
            found |= _walk(Path(e.path), depth - 1)
    return found


def listing(home: Path, system_tmp: Path) -> set[str]:
    """The paths judged: the home folder's entries, ~/.cache and ~/.config three levels down (the
    Hugging Face datasets lock was at ~/.cache/huggingface/datasets/NAME.lock), and the
    entries of the system temporary folder named as the stack names them."""
    found = _walk(home, 1) | _walk(home / ".cache", 3, INSTALLERS) | _walk(home / ".config", 3)
    return found | {str(p) for p in _entries(system_tmp) if STACK_NAMES.fullmatch(p.name)}


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


@attrs.frozen
class Watch:
    home: Path
    system_tmp: Path
    before: frozenset

    @classmethod
    def of(cls, home: Path, system_tmp: Path) -> "Watch":
        return cls(home, system_tmp, frozenset(listing(home, system_tmp)))

    def new(self, keep: str | os.PathLike | None = None) -> list[str]:
        """Paths that appeared since the watch began, but for `keep` (a `--basetemp` the user
        chose) and what lies under it."""
        kept = os.path.abspath(keep) if keep else None
        appeared = listing(self.home, self.system_tmp) - self.before
        return sorted(p for p in appeared if kept is None or not (p == kept or p.startswith(kept + os.sep)))
