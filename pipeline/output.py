"""`wirestory run` output: a new dataset built beside OUT_DIR and put in place when complete.

A run never writes into OUT_DIR while it works. It builds the dataset in a sibling directory
(OUT_DIR.wirestory-new-<id>), and only a complete run replaces OUT_DIR with it. An earlier
output is deleted only after that, and only when every file in it is one wirestory writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from typing import Any

from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import INDEX_TABLES, TABLES

STAGING = "_incomplete"  # where outputs of wirestory before datasets were staged
MANIFEST = "manifest.json"
META = "_wirestory"
_TABLES = "|".join(sorted({*TABLES, *INDEX_TABLES}))
# Every path a wirestory output holds, relative to it.
_OURS = re.compile(
    rf"^(?:{MANIFEST}|{META}/.+|{STAGING}/.+"
    rf"|(?:{_TABLES})/(?:_delta_log/[^/]+|(?:bucket=\d+/)?[^/]+\.parquet))$"
)


class OutputError(Exception):
    """The output directory cannot be used as asked."""


def _children(directory: str) -> list[str]:
    """Paths of everything below a directory (recursively), empty if it does not exist."""
    try:
        result = FileSystems.match([FileSystems.join(directory, "**")])[0]
    except Exception:  # a missing local directory raises on some filesystems
        return []
    return [meta.path for meta in result.metadata_list]


def _relative(directory: str, path: str) -> str:
    return path[len(directory.rstrip("/")) :].lstrip("/")


def staging_dir(directory: str) -> str:
    """Where a Dataflow template job writes (no launcher waits to commit it)."""
    return FileSystems.join(directory, STAGING)


def foreign_files(directory: str) -> list[str]:
    """Files below the directory that wirestory does not write (nested ones included)."""
    return [p for p in _children(directory) if not _OURS.match(_relative(directory, p))]


def _local(path: str) -> bool:
    return FileSystems.get_scheme(path) is None


def _sibling(directory: str, tag: str) -> str:
    return f"{directory.rstrip('/')}.wirestory-{tag}-{uuid.uuid4().hex[:8]}"


def prepare_output(directory: str, overwrite: bool) -> str:
    """Checks the output can be used; returns the directory to build the new dataset in."""
    if _local(directory):
        directory = os.path.abspath(directory)
    existing = _children(directory)
    foreign = foreign_files(directory) if existing else []
    if foreign:
        raise OutputError(
            f"output directory {directory} holds files wirestory did not write "
            f"(e.g. {foreign[0]}); give a new or empty --output directory "
            "(--overwrite never deletes them)"
        )
    if existing and not overwrite:
        raise OutputError(
            f"output directory {directory} is not empty: choose a new one, or add --overwrite "
            "to replace an earlier wirestory output (a dataset grows with `wirestory ingest`)"
        )
    return _sibling(directory, "new")


def _move_tree(source: str, target: str) -> None:
    if _local(source):
        os.rename(source, target)
        return
    sources = _children(source)
    FileSystems.rename(sources, [FileSystems.join(target, _relative(source, s)) for s in sources])


def _delete_tree(path: str) -> None:
    if _local(path):
        shutil.rmtree(path, ignore_errors=True)
        return
    # An object-store "folder" is a prefix: exists() sees no object there, delete takes it whole.
    with contextlib.suppress(Exception):
        FileSystems.delete([path.rstrip("/") + "/"])


def publish(building: str, directory: str) -> None:
    """Puts the complete dataset in place, then removes the output it replaces."""
    if _local(directory):
        directory = os.path.abspath(directory)
        if os.path.isdir(directory) and not os.listdir(directory):
            os.rmdir(directory)
    old = None
    if _children(directory):
        old = _sibling(directory, "old")
        _move_tree(directory, old)
    _move_tree(building, directory)
    if old is not None:
        _delete_tree(old)


def discard(building: str, directory: str) -> None:
    """Removes a failed run's partial dataset; the output directory is untouched."""
    del directory
    _delete_tree(building)


def write_manifest(directory: str, manifest: dict[str, Any]) -> None:
    with FileSystems.create(FileSystems.join(directory, MANIFEST)) as handle:
        handle.write(json.dumps(manifest, indent=2, sort_keys=True, default=str).encode("utf-8"))


def largest_stories(directory: str, count: int = 10) -> list[dict[str, Any]]:
    """The largest stories of a dataset, for the summary."""
    from deltalake import DeltaTable

    table = DeltaTable(FileSystems.join(directory, "stories")).to_pyarrow_table(
        columns=["story_id", "size", "title"]
    )
    rows = sorted(table.to_pylist(), key=lambda s: (-s["size"], s["story_id"]))
    return rows[:count]


def read_json(path: str) -> dict[str, Any]:
    """Reads a small JSON file from any Beam filesystem."""
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))
