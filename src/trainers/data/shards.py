"""Shards: one dataset cut into N files that anyone can make apart, on any machine, with no
coordination, because record i depends only on the seed, i and the chunk layout.

Shard K of N (K from 1) holds records n(K-1)/N .. nK/N - 1 (rounded down), so the N files
concatenated in order are the single file `generate` writes, byte for byte. Files are named
as the Hugging Face Hub names parquet shards, with a 0-based index: `--out data/train.jsonl
--shard 2/3` writes `data/train-00001-of-00003.jsonl`. Each shard gets its own card; the
shard that completes the set (whichever finishes last) also writes the card of the whole
set, `data/train.jsonl.README.md`, from the shards' cards, so its content does not depend
on which shard wrote it.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

_SHARD = re.compile(r"\s*([0-9]+)\s*/\s*([0-9]+)\s*")


class ShardError(ValueError):
    """A --shard that names no shard of the set."""


@attrs.frozen
class Shard:
    index: int
    """1 .. count."""
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        match = _SHARD.fullmatch(str(text))
        if not match:
            raise ShardError(f"--shard {text!r} is not K/N (for example 2/8)")
        index, count = int(match[1]), int(match[2])
        if count < 1:
            raise ShardError(f"--shard {text!r}: N must be at least 1")
        if not 1 <= index <= count:
            raise ShardError(f"--shard {text!r}: K must be 1 to N")
        return cls(index, count)

    def records(self, n: int) -> range:
        """The indices of this shard's records among 0 .. n - 1 (empty for a shard past a small n)."""
        return range(n * (self.index - 1) // self.count, n * self.index // self.count)

    def path(self, path: Path) -> Path:
        return shard_path(Path(path), self.index, self.count)

    def siblings(self, path: Path) -> list[Path]:
        """Every shard file of the set, in order."""
        return [shard_path(Path(path), k, self.count) for k in range(1, self.count + 1)]

    def pattern(self, path: Path) -> str:
        """The set's file names as a glob, as a card's `data_files` names them."""
        path = Path(path)
        return f"{path.stem}-*-of-{self.count:05d}{path.suffix}"


def shard_path(path: Path, index: int, count: int) -> Path:
    return path.with_name(f"{path.stem}-{index - 1:05d}-of-{count:05d}{path.suffix}")


def shard_block(shard: Shard, n: int, records: range) -> dict:
    """What a shard's card says of it: which shard of how many, and where its records lie."""
    return {"index": shard.index, "of": shard.count, "first": records.start, "set_records": n}


def set_tally(cards: list[dict]):
    """The whole set's tally, merged from its shards' cards in order; None if one lacks the sums."""
    from trainers.data.cards import Tally

    whole = Tally()
    for card in cards:
        tally = Tally.from_dict(card["stats"])
        if tally is None:
            return None
        whole.merge(tally)
    return whole


def set_card_text(
    path: Path, config, n: int, kind: str, cards: list[dict], data_files, extra_header=None
) -> str | None:
    """The card of a whole set from its shards' cards (None if one lacks the sums to merge):
    the single file's figures, naming the set's files as `data_files` does."""
    from trainers.data.cards import card_text
    from trainers.data.chat_builder import system_message

    tally = set_tally(cards)
    if tally is None:
        return None
    return card_text(
        path,
        config,
        tally,
        records=n,
        kind=kind,
        system_prompt=system_message(config),
        rows=sum(card["rows"] for card in cards),
        data_files=data_files,
        extra_header=extra_header,
    )


def write_set_card(path: Path, shard: Shard, config, n: int, kind: str) -> Path | None:
    """The card of the whole set, once every shard's file and card is there and they agree
    (same mixture, size and kind); None while shards are missing. Two shards finishing at
    once write the same bytes, each atomically."""
    from trainers.data.cards import read_card, write_card

    files = shard.siblings(path)
    if path.exists():  # a single file of that name keeps its own card
        return None
    if not all(f.is_file() for f in files):
        return _drop_set_card(path)
    import yaml

    cards = [read_card(f) for f in files]
    mixture = yaml.safe_load(yaml.safe_dump(config.as_dict()))  # as a card holds it
    for k, card in enumerate(cards, start=1):
        if not card or card.get("kind") != kind or card.get("mixture") != mixture:
            return _drop_set_card(path)
        told = card.get("shard") or {}
        if (told.get("index"), told.get("of"), told.get("set_records")) != (k, shard.count, n):
            return _drop_set_card(path)
    text = set_card_text(path, config, n, kind, cards, shard.pattern(path))
    return _drop_set_card(path) if text is None else write_card(path, text)


def _drop_set_card(path: Path) -> None:
    """The set is not whole or not one set (a shard made again another way): a set card
    written before would describe files that are no longer there, so it goes."""
    from trainers.data.cards import card_path

    card_path(path).unlink(missing_ok=True)
