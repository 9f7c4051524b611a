"""Writing and reading chat datasets: streamed, parallel, atomic, byte-identical for any
number of workers.

Records are built in fixed-size chunks of consecutive indices by the chunk engine
(`trainers.data.engine`). Chunks go to worker processes and reach the file in order (JSON
lines appended by the workers themselves, `trainers.data.appending`; parquet row groups through
this process), so the output does not depend on how many workers ran. Output goes to a
hidden temporary file beside the target and is renamed into place only when complete; an
interrupt (Ctrl-C or SIGTERM) removes it.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import json
import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Callable, Iterator

import attrs

from trainers.data.appending import Order
from trainers.data.atomic_files import atomic_path, sigterm_as_interrupt
from trainers.data.cards import Tally, card_path, card_text, write_card
from trainers.data.chat_builder import ChatBuilder, ChatConfig, system_message
from trainers.data.engine import Engine
from trainers.data.schema import SchemaError, check_record, features_of, grpo_rows
from trainers.data.shards import Shard, shard_block, write_set_card

FORMATS = {".jsonl": "jsonl", ".parquet": "parquet"}


class DatasetError(ValueError):
    """A dataset path or file that cannot be written or read as asked."""


@attrs.frozen
class GenerateStats:
    path: Path
    records: int
    """Chats made: the N asked for."""
    seconds: float
    """From the first `on_progress` call (inputs checked, work starting) to the card written:
    the span a progress bar opened at that call and closed on return shows."""
    rejections: int
    """Shapes the samplers drew that fitted nowhere on their grid and were drawn again or given
    up, over all grids: a measure of crowding, not an error (docs/datasets.md#sampler-rejections)."""
    card: Path
    rows: int
    """Rows written: `records` for chats, one per question for GRPO rows."""


def output_format(path: Path) -> str:
    try:
        fmt = FORMATS[path.suffix.lower()]
    except KeyError:
        raise DatasetError(f"cannot tell the format of {path}: use a {' or '.join(FORMATS)} file name") from None
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise DatasetError(
                f"writing {path} needs pyarrow: pip install pyarrow (the train extra has it), or use .jsonl"
            ) from None
    return fmt


_engine: Engine | None = None
_order: Order | None = None


def _start_worker(config: ChatConfig, order=None) -> None:
    global _engine, _order
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles interrupts and cleans up,
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # then ends its workers quietly with SIGTERM
    _keep_freed_memory()
    _engine, _order = Engine(ChatBuilder(config)), order


def _keep_freed_memory() -> None:
    """Let a worker reuse the memory its chunks free instead of handing it back to the
    kernel (glibc only). Each chunk allocates and frees the same few tens of megabytes;
    with glibc's defaults that memory was returned and faulted in again every chunk, which
    cost 2.5-3 s of system time per million chats (figures in docs/performance.md)."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc"):
            return
        libc = ctypes.CDLL("libc.so.6")
    except (ValueError, OSError, AttributeError):  # no such name, no glibc, or no confstr on this platform
        return
    libc.mallopt(
        _M_MMAP_THRESHOLD, 32 << 20
    )  # arrays under 32 MiB come from the heap (glibc's ceiling for this setting)
    libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)  # and the heap is not trimmed after each chunk


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers (malloc.h)


def _encode_records(records: list[dict], fmt: str, kind: str, config: ChatConfig):
    if fmt == "jsonl":
        return "".join(json.dumps(r, separators=(",", ":")) + "\n" for r in records).encode()
    import pyarrow as pa

    return pa.Table.from_pylist(records, schema=schema_of(kind, config))


_schemas: dict[tuple[str, bool, bool], object] = {}


def arrow_schema(kind: str, worked: bool, images: bool = False):
    """The parquet schema: the published `datasets.Features`, nested columns throughout; a
    bare dataset's has no `worked` field, so its file is what it was before the field existed,
    and only a dataset of images has content parts and `images`."""
    key = (kind, worked, images)
    if key not in _schemas:
        _schemas[key] = features_of(*key).arrow_schema
    return _schemas[key]


def schema_of(kind: str, config: ChatConfig):
    """The parquet schema of `config`'s records (`arrow_schema`)."""
    return arrow_schema(kind, config.answers == "worked", config.grid_format != "text")


def rows_of(lines, kind: str, builder: ChatBuilder) -> Iterator[dict]:
    """A chunk's records as `builder`'s mixture shows them (`ChatBuilder.show`), or their
    GRPO rows (one a question), from its JSON lines."""
    for line in lines:
        record = builder.show(json.loads(line))
        yield from grpo_rows(record) if kind == "grpo" else (record,)


def _build_chunk(task: tuple[int, int, int, str, str]):
    """(payload, chats, rows, tally) of task `number`: records start .. stop - 1."""
    number, start, stop, fmt, kind = task
    chunk = _engine.records(start, stop)
    if fmt == "jsonl" and kind == "chat":  # the engine's lines are the file's bytes
        data = chunk.text.encode()
        if _order is None:
            return data, stop - start, stop - start, chunk.tally
        _order.append(number, data)
        return None, stop - start, stop - start, chunk.tally
    records = list(rows_of(chunk.lines, kind, _engine.builder))
    return (
        _encode_records(records, fmt, kind, _engine.builder.config),
        stop - start,
        len(records),
        chunk.tally,
    )


def check_output(path: Path, *, overwrite: bool) -> str:
    """The output format, after refusing paths that could not be written as asked."""
    path = Path(path)
    fmt = output_format(path)
    for target in (path, card_path(path)):
        if target.exists() and not overwrite:
            raise DatasetError(f"{target} already exists; pass --overwrite to replace it")
    if not path.parent.is_dir():
        raise DatasetError(f"folder {path.parent} does not exist")
    return fmt


def pieces(records: range, step: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of `records` cut where a chunk of `step` records ends: what the engine
    makes at a time, however the range lies across chunks (a shard starts anywhere)."""
    start = records.start
    while start < records.stop:
        stop = min(records.stop, (start // step + 1) * step)
        yield start, stop
        start = stop


def _results(
    builder: ChatBuilder, records: range, workers: int, fmt: str, kind: str = "chat", output: Path | None = None
):
    """Chunk results in index order (payloads None where the workers appended them to
    `output` themselves). Chunks are handed out a few at a time (never all up front), so
    memory stays flat however many records there are; the per-record way hands out smaller
    pieces (`Engine.step`), which the file does not depend on."""
    global _engine, _order
    engine = Engine(builder)
    tasks = ((number, start, stop, fmt, kind) for number, (start, stop) in enumerate(pieces(records, engine.step)))
    if workers == 1:
        _engine, _order = engine, None
        yield from map(_build_chunk, tasks)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    order = None
    if output is not None and fmt == "jsonl" and kind == "chat":
        order = Order(str(output), context)  # workers append their own chunks (trainers.data.appending)
    with context.Pool(workers, initializer=_start_worker, initargs=(builder.config, order)) as pool:
        pending: collections.deque = collections.deque()
        for task in tasks:
            pending.append(pool.apply_async(_build_chunk, (task,)))
            if len(pending) >= 2 * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


KINDS = ("chat", "grpo")


def check_counts(n: int, kind: str, **processes: int) -> None:
    """The counts and format every way of making a dataset takes, each named as its caller names it."""
    if n < 1:
        raise DatasetError(f"the number of records must be at least 1, got {n}")
    for name, count in processes.items():
        if count < 1:
            raise DatasetError(f"{name} must be at least 1, got {count}")
    if kind not in KINDS:
        raise DatasetError(f"unknown format {kind!r}; choose from {', '.join(KINDS)}")


def generate(
    config: ChatConfig,
    n: int,
    path: Path,
    *,
    workers: int = 1,
    overwrite: bool = False,
    kind: str = "chat",
    shard: Shard | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> GenerateStats:
    """Write records 0..n-1 of the dataset that `config` defines to `path`, and its card.

    `kind="grpo"` writes one prompt/answer row per question instead of one chat per record.
    `shard` writes only that shard's records, to the shard's own file (`trainers.data.shards`),
    and the card of the whole set once every shard's file is there.
    Everything is checked (counts, path, format, card, priors) before `on_progress` is first
    called, with 0, so a caller can open its progress display lazily and bad input never
    shows one; later calls give the chats each finished chunk or piece added.
    """
    check_counts(n, kind, workers=workers)
    whole, records = Path(path), range(n)
    if shard is not None:
        if shard.count > n:  # every shard of the set is refused alike, so a set is never left half made
            raise DatasetError(f"--shard {shard.index}/{shard.count}: {n} records make at most {n} shards")
        path, records = shard.path(whole), shard.records(n)
    path = Path(path)
    fmt = check_output(path, overwrite=overwrite)
    if fmt == "jsonl" and config.grid_format != "text":
        raise DatasetError(
            f"--grid-format {config.grid_format} keeps its images as the datasets Image feature, in parquet: "
            f"write {path.with_suffix('.parquet')} instead of {path}"
        )
    builder = ChatBuilder(config)  # unknown or broken priors fail here, before any worker starts
    started, tally, rows = time.perf_counter(), Tally(), 0
    if on_progress:
        on_progress(0)
    with sigterm_as_interrupt():
        with atomic_path(path, overwrite=overwrite) as tmp, _writer(tmp, fmt) as write:
            for payload, count, written, chunk in _results(builder, records, workers, fmt, kind, output=tmp):
                if payload is not None:
                    write(payload)
                tally.merge(chunk)
                rows += written
                if on_progress:
                    on_progress(count)
        try:  # the card follows its file; a file whose card cannot be written is taken back
            write_card(
                path,
                card_text(
                    path,
                    config,
                    tally,
                    records=len(records),
                    kind=kind,
                    system_prompt=system_message(config),
                    rows=rows,
                    shard=None if shard is None else shard_block(shard, n, records),
                ),
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    if shard is not None:
        write_set_card(whole, shard, config, n, kind)
    return GenerateStats(path, len(records), time.perf_counter() - started, tally.rejections, card_path(path), rows)


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
    """Records of a chat dataset written by `generate`, streamed, each checked against the
    schema so that an older or foreign file fails at its first record, naming the field."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset {path} does not exist")
    rows = _parquet_rows(path) if output_format(path) == "parquet" else _jsonl_rows(path)
    for where, record in rows:
        try:
            yield check_record(record)
        except SchemaError as err:
            raise DatasetError(f"{path} {where}: {err}") from None


def _jsonl_rows(path: Path) -> Iterator[tuple[str, object]]:
    try:
        with open(path, encoding="utf-8") as f:
            for line_number, line in enumerate(f, start=1):
                try:
                    yield f"line {line_number}", json.loads(line)
                except json.JSONDecodeError as err:
                    raise DatasetError(f"{path} line {line_number} is not valid JSON: {err.msg}") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{path} is not UTF-8 text, so not a JSONL dataset") from None


def _parquet_rows(path: Path) -> Iterator[tuple[str, object]]:
    import pyarrow.parquet as pq

    try:
        batches = pq.ParquetFile(path).iter_batches(batch_size=1024)
        number = 0
        for batch in batches:
            for row in batch.to_pylist():
                number += 1
                yield f"record {number}", row
    except DatasetError:
        raise
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise DatasetError(f"{path} is not a readable parquet file: {' '.join(str(err).split())}") from None
