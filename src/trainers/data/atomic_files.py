"""Writing files and folders so that a reader never sees half of one: a temporary sibling,
renamed over the target only once it is complete.

Temporaries carry the writing process's id (`.NAME.PID.XXXX.tmp`), so the next run that
writes to the same path can tell the leftovers of a killed process (SIGKILL skips every
clean-up) from those of a run still going, and remove only the former.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.EOPNOTSUPP)


class OutputExistsError(FileExistsError):
    """The target appeared while it was being written (another run), and must not be replaced."""

    def __str__(self) -> str:
        return f"{self.filename} already exists (written meanwhile by another run?); pass --overwrite to replace it"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale(path: Path) -> list[Path]:
    """Delete the temporaries that dead processes left beside `path`; returns them."""
    path = Path(path)
    removed = []
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            pid = leftover.name[len(path.name) + 2 :].split(".", 1)[0]
            if pid.isdecimal() and int(pid) != os.getpid() and not _alive(int(pid)):
                if leftover.is_dir():
                    shutil.rmtree(leftover, ignore_errors=True)
                else:
                    leftover.unlink(missing_ok=True)
                removed.append(leftover)
    return removed


def _named(err: OSError, path: Path, tmp: Path) -> OSError:
    """An error about our temporary, re-told about the user's own path."""
    if err.filename in (None, str(tmp)):
        return type(err)(err.errno, err.strerror or str(err), str(path))
    return err


def _publish(tmp: Path, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic, and refuses to replace a file that appeared meanwhile
    except FileExistsError:
        raise OutputExistsError(errno.EEXIST, "exists", str(path)) from None
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
        if path.exists():
            raise OutputExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(tmp, path)


@contextlib.contextmanager
def atomic_path(path: Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path that becomes `path` only if the block completes; removed otherwise,
    whatever ended the block (an error, Ctrl-C, SIGTERM turned into an exception). With
    `overwrite=False` a file that appeared at `path` meanwhile is never replaced."""
    path = Path(path)
    remove_stale(path)
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    except OSError as err:
        raise type(err)(err.errno, err.strerror, str(path)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        try:
            yield tmp
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; results are meant to be shared
            _publish(tmp, path, overwrite)
        except OutputExistsError:
            raise
        except OSError as err:
            raise _named(err, path, tmp) from err
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(path: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """A temporary sibling folder that becomes `path` only if the block completes; removed
    otherwise. An existing empty `path` is replaced; a non-empty one only with `overwrite`,
    and only once the new one is whole."""
    path = Path(path)
    made = _make_parents(path)  # runs/ of a fresh checkout, say; taken back if the run fails
    remove_stale(path)
    try:
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp"))
    except OSError as err:
        _remove_empty(made)
        raise type(err)(err.errno, err.strerror, str(path)) from None
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        yield tmp
        make_shared(tmp)
        if path.exists():
            if not overwrite and not (path.is_dir() and not any(path.iterdir())):
                raise OutputExistsError(errno.EEXIST, "exists", str(path))
            old = path.with_name(f".{path.name}.{os.getpid()}.old.tmp")
            os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if not path.exists():
            _remove_empty(made)


def _make_parents(path: Path) -> list[Path]:
    """Create the missing folders above `path`; returns them, deepest first."""
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise type(err)(err.errno, err.strerror, str(path)) from None
    return missing


def _remove_empty(folders: list[Path]) -> None:
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


_interrupted = False
"""Set by the handlers below: an interrupt stays known even where a library's own `except`
swallowed the KeyboardInterrupt it raised, so a loop can still stop at its next step."""


def raise_if_interrupted() -> None:
    """Raise KeyboardInterrupt when an interrupt came while `sigterm_as_interrupt` was active."""
    if _interrupted:
        raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM takes the same clean-up path as Ctrl-C (a KeyboardInterrupt), and both are
    remembered (`raise_if_interrupted`) in case the KeyboardInterrupt is swallowed."""
    global _interrupted

    def interrupt(signum, frame):
        global _interrupted
        _interrupted = True
        raise KeyboardInterrupt

    def unraisable(report) -> None:
        """An interrupt that lands in a `__del__` (a garbage collection) cannot propagate, and
        Python would print its traceback; it is remembered above, and said once, cleanly."""
        if not isinstance(report.exc_value, KeyboardInterrupt):
            hook(report)

    _interrupted = False
    try:
        previous = {
            sig: signal.signal(sig, interrupt)
            for sig in (signal.SIGTERM, signal.SIGINT)
            if signal.getsignal(sig) not in (signal.SIG_IGN, None)
        }
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    hook, sys.unraisablehook = sys.unraisablehook, unraisable
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def check_writable_folder(folder: Path, what: str) -> None:
    """Refuse, before any work, a folder that could not be created or written: the nearest
    existing ancestor must be a folder that takes a new file (tried, not guessed: a read-only
    mount refuses even root)."""
    folder = Path(folder)
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, f"{what}: {existing} is not a folder", str(folder))
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as err:
        raise type(err)(err.errno, f"{what} cannot be written ({err.strerror})", str(folder)) from None


def make_shared(folder: Path) -> None:
    """Give every file under `folder` the mode the umask allows; some writers (safetensors
    among them) create files private to their owner."""
    mode = 0o666 & ~_umask()
    for file in Path(folder).rglob("*"):
        if file.is_file():
            os.chmod(file, mode)


def _umask() -> int:
    """The process umask, read without changing it where /proc tells (setting it to read it
    would briefly affect every thread)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        write(fh)


def write_json(path: Path, data) -> None:
    atomic_write(path, lambda fh: fh.write((json.dumps(data, indent=2, default=str) + "\n").encode()))
