"""Writing and reading chat datasets: streamed, parallel, atomic, byte-identical for any
number of workers.

Records are built in fixed-size chunks of consecutive indices. Chunks go to worker
processes and come back in order, so neither the output nor its parquet row groups depend
on how many workers ran. Output goes to a hidden temporary file beside the target and is
renamed into place only when complete; an interrupt (Ctrl-C or SIGTERM) removes it.
"""

from __future__ import annotations

import collections
import contextlib
import json
import multiprocessing
import signal
import time
from pathlib import Path
from typing import Callable, Iterator

import attrs

from trainers.chats import ChatBuilder, ChatConfig
from trainers.files import atomic_path, sigterm_as_interrupt

CHUNK = 1000
FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}


class DatasetError(ValueError):
    """A dataset path or file that cannot be written or read as asked."""


@attrs.frozen
class GenerateStats:
    path: Path
    records: int
    seconds: float
    rejections: int
    """Sampler shapes that fitted nowhere and were redrawn or dropped, over all grids."""


def output_format(path: Path) -> str:
    try:
        fmt = FORMATS[path.suffix.lower()]
    except KeyError:
        raise DatasetError(f"cannot tell the format of {path}: use a {' or '.join(FORMATS)} file name") from None
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise DatasetError(f"writing {path} needs pyarrow: pip install pyarrow (the train extra has it), or use .jsonl") from None
    return fmt


_builder: ChatBuilder | None = None


def _start_worker(config: ChatConfig) -> None:
    global _builder
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles interrupts and cleans up,
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # then ends its workers quietly with SIGTERM
    _builder = ChatBuilder(config)


def _encode_records(records: list[dict], fmt: str):
    if fmt == "jsonl":
        return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode()
    import pyarrow as pa

    # Metadata stays a JSON string: its params differ in shape from family to family.
    return pa.table(
        {
            "messages": [r["messages"] for r in records],
            "metadata": [json.dumps(r["metadata"], separators=(",", ":")) for r in records],
        }
    )


def _build_chunk(task: tuple[int, int, str]):
    start, stop, fmt = task
    records = [_builder.record(i) for i in range(start, stop)]
    rejections = sum(
        sum(d["rejections"] for d in r["metadata"]["sampled_by"]) + r["metadata"].get("discarded_rejections", 0) for r in records
    )
    return _encode_records(records, fmt), stop - start, rejections


def check_output(path: Path, *, overwrite: bool) -> str:
    """The output format, after refusing paths that could not be written as asked."""
    path = Path(path)
    fmt = output_format(path)
    if path.exists() and not overwrite:
        raise DatasetError(f"{path} already exists; pass --overwrite to replace it")
    if not path.parent.is_dir():
        raise DatasetError(f"folder {path.parent} does not exist")
    return fmt


def _results(builder: ChatBuilder, n: int, workers: int, fmt: str):
    """Chunk results in index order. Chunks are handed out a few at a time (never all up
    front), so memory stays flat however large `n` is."""
    global _builder
    tasks = ((start, min(start + CHUNK, n), fmt) for start in range(0, n, CHUNK))
    if workers == 1:
        _builder = builder
        yield from map(_build_chunk, tasks)
        return
    config = builder.config
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(workers, initializer=_start_worker, initargs=(config,)) as pool:
        pending: collections.deque = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(_build_chunk, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def generate(
    config: ChatConfig,
    n: int,
    path: Path,
    *,
    workers: int = 1,
    overwrite: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write records 0..n-1 of the dataset that `config` defines to `path`.

    Everything is checked (counts, path, format, priors) before `on_progress` is first
    called, so a caller can open its progress display lazily and bad input never shows one.
    """
    if n < 1:
        raise DatasetError(f"the number of records must be at least 1, got {n}")
    if workers < 1:
        raise DatasetError(f"workers must be at least 1, got {workers}")
    path = Path(path)
    fmt = check_output(path, overwrite=overwrite)
    builder = ChatBuilder(config)  # unknown or broken priors fail here, before any worker starts
    started, rejections = time.perf_counter(), 0
    with sigterm_as_interrupt(), atomic_path(path, overwrite=overwrite) as tmp:
        with _writer(tmp, fmt) as write:
            for payload, count, rejected in _results(builder, n, workers, fmt):
                write(payload)
                rejections += rejected
                if on_progress:
                    on_progress(count)
    return GenerateStats(path, n, time.perf_counter() - started, rejections)


@contextlib.contextmanager
def _writer(tmp: Path, fmt: str):
    if fmt == "jsonl":
        with open(tmp, "wb") as f:
            yield f.write
        return
    import pyarrow.parquet as pq

    writer = None

    def write(table) -> None:
        nonlocal writer
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table)

    try:
        yield write
    finally:
        if writer is not None:
            writer.close()


def read_records(path: Path) -> Iterator[dict]:
    """Records of a dataset written by `generate`, checked enough to fail with the record at fault."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset {path} does not exist")
    if output_format(path) == "parquet":
        yield from _parquet_records(path)
        return
    try:
        with open(path, encoding="utf-8") as f:
            for line_number, line in enumerate(f, start=1):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise DatasetError(f"{path} line {line_number} is not valid JSON: {err.msg}") from None
                yield _checked(record, path, line_number)
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text, so not a JSONL dataset") from None


def _parquet_records(path: Path) -> Iterator[dict]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise DatasetError(f"{path} is not a readable parquet file: {err}") from None
    missing = {"messages", "metadata"} - set(table.column_names)
    if missing:
        raise DatasetError(f"{path} lacks the column(s) {', '.join(sorted(missing))}")
    for i, (messages, metadata) in enumerate(zip(table["messages"].to_pylist(), table["metadata"].to_pylist()), start=1):
        try:
            meta = json.loads(metadata)
        except (TypeError, json.JSONDecodeError):
            raise DatasetError(f"{path} record {i} has metadata that is not a JSON object") from None
        yield _checked({"messages": messages, "metadata": meta}, path, i)


def _checked(record, path: Path, where: int) -> dict:
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list) or not messages or not all(
        isinstance(m, dict) and m.get("role") in ("system", "user", "assistant") and isinstance(m.get("content"), str) for m in messages
    ):
        raise DatasetError(f"{path} record {where} has no valid 'messages' list of role/content turns")
    if not any(m["role"] == "assistant" for m in messages):
        raise DatasetError(f"{path} record {where} has no assistant turn, so nothing to train on")
    metadata = record.get("metadata", {})
    if not isinstance(metadata, dict):
        raise DatasetError(f"{path} record {where} has metadata that is not a JSON object")
    qas = metadata.get("qas")
    if qas is not None:
        answers = sum(m["role"] == "assistant" for m in messages)
        if not isinstance(qas, list) or len(qas) != answers:
            raise DatasetError(f"{path} record {where}: metadata.qas must list one question per assistant turn ({answers})")
        for i, qa in enumerate(qas):
            missing = [k for k in ("prior", "family", "question", "answer") if not isinstance(qa, dict) or not isinstance(qa.get(k), str)]
            if missing:
                raise DatasetError(f"{path} record {where}: metadata.qas[{i}] lacks the text field(s) {', '.join(missing)}")
    return record
