"""Writing files so that a reader never sees half of one: a temporary file in the same
folder, renamed over the target only once it is complete."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterator


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path that becomes `path` only if the block completes; removed otherwise,
    whatever ended the block (an error, Ctrl-C, SIGTERM turned into an exception)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; results are meant to be shared
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)


def write_json(path: Path, data) -> None:
    atomic_write(path, lambda fh: fh.write((json.dumps(data, indent=2, default=str) + "\n").encode()))
