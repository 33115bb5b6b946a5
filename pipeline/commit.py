"""Commits one batch's files to a dataset's Delta tables, each step idempotent.

Order: rejects, articles (appends), canonical flips on articles, stories (merge), bands,
chrome, documents (appends). Every commit carries the app transaction `wirestory:<step>` =
batch, and a step whose table already records the batch is skipped. The story merge is
computed from the stories table as it was before the batch, so a retried batch computes the
same rows.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas import table_schemas
from wirestory.transforms.extractors import count_words

_APP = "wirestory"
# Rows per file the launcher writes: a later copy-on-write update reads whole files, so small
# files keep it cheap (new stories of a large one-shot run are split too).
_ROWS_PER_FILE = 20_000


def _properties(step: str, batch: int) -> Any:
    from deltalake import CommitProperties, Transaction

    return CommitProperties(app_transactions=[Transaction(f"{_APP}:{step}", batch)])


def _done(table: Any, step: str, batch: int) -> bool:
    return (table.transaction_version(f"{_APP}:{step}") or 0) >= batch


def _append(dataset: Any, name: str, batch: int, files: list[dict[str, Any]]) -> int:
    """Adds the files workers wrote under the table; returns the rows committed."""
    from deltalake.transaction import AddAction

    if not files:
        return 0
    table = dataset.table(name)
    if _done(table, name, batch):
        return 0
    now = int(time.time() * 1000)
    actions = [
        AddAction(
            info["path"],
            info["size"],
            info["partition"],
            now,
            True,
            json.dumps({"numRecords": info["rows"]}),
        )
        for info in sorted(files, key=lambda f: f["path"])
    ]
    partition = ["bucket"] if info_partitioned(files) else None
    table.create_write_transaction(
        actions,
        mode="append",
        schema=table_schemas()[name],
        partition_by=partition,
        commit_properties=_properties(name, batch),
    )
    return sum(info["rows"] for info in files)


def info_partitioned(files: list[dict[str, Any]]) -> bool:
    return any(info["partition"] for info in files)


def _read_staged(staging: str, files: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for info in files:
        with FileSystems.open(FileSystems.join(staging, "stories", info["path"])) as handle:
            rows.extend(pq.read_table(handle).to_pylist())
    return rows


def _files(table: Any) -> list[dict[str, Any]]:
    actions = pa.table(table.get_add_actions(flatten=True))
    return [
        {"path": p, "size": n}
        for p, n in zip(
            actions.column("path").to_pylist(),
            actions.column("size_bytes").to_pylist(),
            strict=True,
        )
    ]


def _read_file(dataset: Any, name: str, path: str, columns: list[str] | None = None) -> pa.Table:
    with FileSystems.open(FileSystems.join(dataset.table_uri(name), path)) as handle:
        return pq.read_table(handle, columns=columns)


def _existing_rows(dataset: Any, name: str, key: str, keys: set[str]) -> dict[str, dict]:
    """The current rows with these keys: reads the key column of each file, then only the
    files that hold one of the keys."""
    found: dict[str, dict[str, Any]] = {}
    if not keys:
        return found
    for info in _files(dataset.table(name)):
        held = set(_read_file(dataset, name, info["path"], [key]).column(key).to_pylist())
        if held & keys:
            for row in _read_file(dataset, name, info["path"]).to_pylist():
                if row[key] in keys:
                    found[row[key]] = row
    return found


def rewrite_rows(
    dataset: Any,
    name: str,
    key: str,
    changed: dict[str, dict[str, Any]],
    inserted: list[dict[str, Any]],
    step: str,
    batch: int,
) -> None:
    """One commit that replaces the files holding changed rows (copy on write) and adds the
    inserted rows: plain Parquet written here, with the model-derived schema."""
    from deltalake.transaction import AddAction, RemoveAction

    table = dataset.table(name)
    if _done(table, step, batch) or not (changed or inserted):
        return
    schema = table_schemas()[name]
    now = int(time.time() * 1000)
    actions: list[Any] = []
    written = 0

    def write(rows: list[dict[str, Any]]) -> None:
        # Each file is written as soon as it is ready: one file's rows in memory at a time.
        nonlocal written
        ordered = sorted(rows, key=lambda r: r[key])
        for first in range(0, len(ordered), _ROWS_PER_FILE):
            part = ordered[first : first + _ROWS_PER_FILE]
            relative = f"b{batch:08d}-{step}-{written:05d}.parquet"
            written += 1
            data = pa.Table.from_pylist(part, schema=schema)
            path = FileSystems.join(dataset.table_uri(name), relative)
            with FileSystems.create(path) as handle:
                pq.write_table(data, handle, compression="zstd")
            size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
            stats = json.dumps({"numRecords": data.num_rows})
            actions.append(AddAction(relative, size, {}, now, True, stats))

    for info in _files(table):
        held = set(_read_file(dataset, name, info["path"], [key]).column(key).to_pylist())
        if not held & changed.keys():
            continue
        rows = _read_file(dataset, name, info["path"]).to_pylist()
        write([changed.get(row[key], row) for row in rows])
        actions.append(RemoveAction(info["path"], True, now, info["size"], {}))
    write(inserted)
    table.create_write_transaction(
        actions, mode="append", schema=schema, commit_properties=_properties(step, batch)
    )


def story_updates(
    existing: dict[str, dict[str, Any]], updates: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[tuple[str, bool]]]:
    """Updated story rows and the (doc_id, is_canonical) flips a batch's joins cause.

    A story's canonical copy is replaced when a joining copy is more complete: more words
    than the current canonical text (ties keep the current one, so reruns agree).
    """
    rows, flips = [], []
    by_story: dict[str, list[dict[str, Any]]] = {}
    for update in updates:
        by_story.setdefault(update["story_id"], []).append(update)
    for story_id in sorted(by_story):
        if story_id not in existing:
            raise RuntimeError(f"batch joins unknown story {story_id}; is the index damaged?")
        row = dict(existing[story_id])
        joins = sorted(by_story[story_id], key=lambda u: u["batch_story_id"])
        row["size"] += sum(u["size"] for u in joins)
        row["doc_ids"] = sorted({*row["doc_ids"], *(d for u in joins for d in u["doc_ids"])})
        row["urls"] = sorted({*row["urls"], *(x for u in joins for x in u["urls"])})
        row["sites"] = sorted({*row["sites"], *(x for u in joins for x in u["sites"])})
        firsts = [d for d in [row["first_published"], *(u["first_published"] for u in joins)] if d]
        lasts = [d for d in [row["last_published"], *(u["last_published"] for u in joins)] if d]
        row["first_published"] = min(firsts, default=None)
        row["last_published"] = max(lasts, default=None)
        best = max(
            (u["candidate"] for u in joins), key=lambda c: (c["word_count"], _neg(c["doc_id"]))
        )
        if best["word_count"] > count_words(row["text"]):
            flips += [(row["canonical_doc_id"], False), (best["doc_id"], True)]
            row.update(
                canonical_doc_id=best["doc_id"],
                title=best["title"],
                url=best["url"],
                text=best["text"],
            )
        rows.append(row)
    return rows, flips


def _neg(text: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in text)


def _parse_dates(update: dict[str, Any]) -> dict[str, Any]:
    import datetime

    for key in ("first_published", "last_published"):
        if isinstance(update.get(key), str):
            update[key] = datetime.date.fromisoformat(update[key])
    return update


STEPS = (
    ("rejects", "rejects"),
    ("articles", "articles"),
    ("articles", "canonical"),
    ("stories", "stories"),
    ("bands", "bands"),
    ("chrome", "chrome"),
    ("documents", "documents"),
)


def check_unclaimed(dataset: Any, batch: int) -> None:
    """Raises DatasetBusy when any step already records this batch number: another writer
    committed a batch of that number, and skipping 'done' steps would lose this one's rows."""
    from wirestory.pipeline.dataset import DatasetBusy

    for table, step in STEPS:
        if _done(dataset.table(table), step, batch):
            raise DatasetBusy(
                f"batch {batch} was committed by another writer meanwhile ({table}); "
                "nothing of this batch was committed: run the ingest again"
            )


def commit_batch(
    dataset: Any,
    batch: int,
    summary: dict[str, Any],
    staging: str,
    resuming: bool = False,
    seconds: dict[str, float] | None = None,
) -> dict[str, int]:
    """Commits every table of one batch; returns the rows each step committed.

    Only the resumption of this batch's own interrupted commit (pending.json) may find steps
    already done; a fresh commit first checks that no step records the batch number. `seconds`,
    if given, receives each step's wall time.
    """
    if not resuming:
        with _timed(seconds, "check"):
            check_unclaimed(dataset, batch)
    files: dict[str, list[dict[str, Any]]] = {}
    for info in summary.get("written", []):
        files.setdefault(info["table"], []).append(info)
    done: dict[str, int] = {}
    for name in ("rejects", "articles"):
        with _timed(seconds, name):
            done[name] = _append(dataset, name, batch, files.get(name, []))
    with _timed(seconds, "stories"):
        stories = dataset.table("stories")
        updates = [_parse_dates(dict(u)) for u in summary.get("story_updates", [])]
        new_rows = _read_staged(staging, files.get("stories", []))
        if not _done(stories, "stories", batch) and (new_rows or updates):
            touched = {u["story_id"] for u in updates}
            updated, flips = story_updates(
                _existing_rows(dataset, "stories", "story_id", touched), updates
            )
            if flips:
                flipped = dict(flips)
                current = _existing_rows(dataset, "articles", "doc_id", set(flipped))
                changed = {d: {**row, "is_canonical": flipped[d]} for d, row in current.items()}
                rewrite_rows(dataset, "articles", "doc_id", changed, [], "canonical", batch)
            changed_stories = {row["story_id"]: row for row in updated}
            rewrite_rows(
                dataset, "stories", "story_id", changed_stories, new_rows, "stories", batch
            )
            done["stories_new"] = len(new_rows)
            done["stories_updated"] = len(updated)
    for name in ("bands", "chrome", "documents"):
        with _timed(seconds, name):
            done[name] = _append(dataset, name, batch, files.get(name, []))
    return done


@contextlib.contextmanager
def _timed(seconds: dict[str, float] | None, step: str) -> Iterator[None]:
    """Adds the block's wall seconds to `seconds[step]` (nothing when `seconds` is None)."""
    started = time.monotonic()
    yield
    if seconds is not None:
        seconds[step] = round(time.monotonic() - started, 3)


def _story_key(row: dict[str, Any]) -> str:
    return row["story_id"]
