"""A wirestory dataset: Delta Lake tables that ingests append to, one commit per batch.

DIR/articles, DIR/stories, DIR/rejects are the tables users read; DIR/documents and DIR/bands
are the persistent index and DIR/chrome the learned page-chrome counts (all three partitioned
by `bucket`); DIR/_wirestory/ holds the dataset's fixed
settings, per-batch manifests and the writer lock.

Exactly once: Beam workers write Parquet files, then this process commits them table by table,
each commit carrying a Delta app transaction (app id per step, version = batch number). A
step whose table already records the batch is skipped, so a batch retried after a crash at any
point commits every row once. `documents` is committed last: it marks the batch as done, and
the next ingest starts from its transaction version.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from apache_beam.io.filesystems import FileSystems
from wirestory.pipeline import signals
from wirestory.schemas import table_schemas
from wirestory.schemas.models import INDEX_TABLES, TABLES
from wirestory.transforms.signatures import MinHashParams

META = "_wirestory"
CONFIG = "config.json"
LOCK = "lock"
APP = "wirestory"
PARTITIONED = tuple(INDEX_TABLES)
ALL_TABLES = (*TABLES, *INDEX_TABLES)


class DatasetError(Exception):
    """The dataset cannot be used as asked (one line for the user)."""


class DatasetBusy(DatasetError):
    """Another ingest is writing to the dataset."""


@dataclass(frozen=True)
class DatasetConfig:
    """Settings fixed when a dataset is created: its index is only valid with them."""

    similarity: dict[str, Any]  # MinHashParams fields
    buckets: int = 32
    format: int = 1

    @classmethod
    def from_params(cls, params: MinHashParams) -> DatasetConfig:
        return cls(dataclasses.asdict(params))

    def params(self) -> MinHashParams:
        """The similarity settings every ingest into this dataset uses."""
        return MinHashParams(**self.similarity)


def _uri(path: str) -> str:
    """A table URI for deltalake: local paths absolute, object-store URIs as they are."""
    return path if FileSystems.get_scheme(path) else os.path.abspath(path)


def write_json(path: str, body: Any) -> None:
    """Writes JSON whole or not at all: locally through a temporary file and a rename (an
    object store publishes an object only when it is closed)."""
    data = json.dumps(body, indent=2, sort_keys=True, default=str).encode("utf-8")
    if FileSystems.get_scheme(path) is None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        return
    with FileSystems.create(path) as handle:
        handle.write(data)


def _read_json(path: str) -> Any:
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


class Dataset:
    """Opens, commits to and inspects one dataset directory."""

    def __init__(self, root: str, config: DatasetConfig) -> None:
        self.root = _uri(root)
        self.config = config

    @staticmethod
    def exists(root: str) -> bool:
        return FileSystems.exists(FileSystems.join(_uri(root), META, CONFIG))

    @classmethod
    def open(cls, root: str) -> Dataset:
        path = FileSystems.join(_uri(root), META, CONFIG)
        if not FileSystems.exists(path):
            raise DatasetError(f"{root} is not a wirestory dataset (no {META}/{CONFIG})")
        return cls(root, DatasetConfig(**_read_json(path)))

    @classmethod
    def create(cls, root: str, config: DatasetConfig) -> Dataset:
        dataset = cls(root, config)
        dataset.add_missing_tables()
        # The config last: a directory without it is not (yet) a dataset.
        write_json(FileSystems.join(dataset.root, META, CONFIG), dataclasses.asdict(config))
        return dataset

    def add_missing_tables(self) -> None:
        """Creates every table the dataset lacks (a dataset made by an earlier version has no
        `chrome` table); existing tables are left as they are."""
        from deltalake import DeltaTable

        schemas = table_schemas()
        for name in ALL_TABLES:
            if DeltaTable.is_deltatable(self.table_uri(name)):
                continue
            partition = ["bucket"] if name in PARTITIONED else None
            DeltaTable.create(
                self.table_uri(name), schemas[name], mode="ignore", partition_by=partition
            )

    def table_uri(self, name: str) -> str:
        return FileSystems.join(self.root, name)

    def table(self, name: str) -> Any:
        from deltalake import DeltaTable

        return DeltaTable(self.table_uri(name))

    def committed_batch(self) -> int:
        """The last batch whose commit completed (0 for a new dataset)."""
        return self.table("documents").transaction_version(f"{APP}:documents") or 0

    def bucket_files(self, name: str) -> dict[int, list[str]]:
        """The committed files of an index table, by bucket: what one lookup reads."""
        actions = pa.table(self.table(name).get_add_actions(flatten=True))
        files: dict[int, list[str]] = {}
        for path, bucket in zip(
            actions.column("path").to_pylist(),
            actions.column("partition.bucket").to_pylist(),
            strict=True,
        ):
            full = path if "://" in path else FileSystems.join(self.table_uri(name), path)
            files.setdefault(int(bucket), []).append(full)
        return {bucket: sorted(paths) for bucket, paths in files.items()}

    def counts(self) -> dict[str, int]:
        """Rows per user table at the current version (cheap: from the Delta log)."""
        out = {}
        for name in TABLES:
            actions = pa.table(self.table(name).get_add_actions(flatten=True))
            out[name] = int(pc.sum(actions.column("num_records")).as_py() or 0)
        return out

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """One writer at a time: a second ingest fails at once with a one-line message.

        Locally an flock on _wirestory/lock, which the kernel releases when the process ends,
        however it ends. On an object store a marker object, removed at the end and on
        SIGINT/SIGTERM; a killed ingest leaves it behind (delete it by hand): Beam's
        filesystems offer no atomic create, so schedule one writer per dataset there.
        """
        path = FileSystems.join(self.root, META, LOCK)
        owner = {"host": socket.gethostname(), "pid": os.getpid(), "since": time.time()}
        if FileSystems.get_scheme(path) is None:
            with self._lock_local(path, owner):
                yield
            return
        if FileSystems.exists(path):
            raise DatasetBusy(f"another ingest holds {path}: {_read_json(path)}")
        write_json(path, owner)
        release = functools.partial(FileSystems.delete, [path])
        signals.on_interrupt(release)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                release()

    @staticmethod
    @contextlib.contextmanager
    def _lock_local(path: str, owner: dict[str, Any]) -> Iterator[None]:
        import fcntl

        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a+", encoding="utf-8") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                try:
                    holder = json.loads(handle.read() or "{}")
                except ValueError:
                    holder = {}
                raise DatasetBusy(
                    f"another ingest is writing to this dataset (pid {holder.get('pid')} on "
                    f"{holder.get('host')}); try again when it ends"
                ) from None
            handle.seek(0)
            handle.truncate()
            json.dump(owner, handle)
            handle.flush()
            yield  # closing the file releases the lock

    def commit(
        self,
        batch: int,
        summary: dict[str, Any],
        staging: str,
        resuming: bool = False,
        seconds: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """Commits one batch's written files; returns what changed. Idempotent per batch.
        `seconds`, if given, receives the seconds each commit step took."""
        from wirestory.pipeline.commit import commit_batch

        return commit_batch(self, batch, summary, staging, resuming, seconds)

    def versions(self) -> dict[str, int]:
        """Every table's current Delta version: together, one consistent snapshot."""
        return {name: self.table(name).version() for name in ALL_TABLES}

    def write_manifest(self, batch: int, manifest: dict[str, Any]) -> None:
        write_json(FileSystems.join(self.root, META, "batches", f"{batch:08d}.json"), manifest)
