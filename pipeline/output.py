"""Output directory handling: refuse surprises, stage the run, publish it only when complete."""

from __future__ import annotations

import json
from typing import Any

from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import TABLES

STAGING = "_incomplete"
MANIFEST = "manifest.json"


class OutputError(Exception):
    """The output directory cannot be used as asked."""


def _children(directory: str) -> list[str]:
    """Paths of everything below a directory (recursively), empty if it does not exist."""
    try:
        result = FileSystems.match([FileSystems.join(directory, "**")])[0]
    except Exception:  # a missing local directory raises on some filesystems
        return []
    return [meta.path for meta in result.metadata_list]


def _looks_like_ours(directory: str, paths: list[str]) -> bool:
    names = {path[len(directory) :].lstrip("/").split("/", 1)[0] for path in paths}
    return bool(names) and names <= {*TABLES, STAGING, MANIFEST}


def prepare_output(directory: str, overwrite: bool) -> None:
    """Refuses a non-empty directory unless overwrite, and then only a wirestory output."""
    existing = _children(directory)
    if existing and not _looks_like_ours(directory.rstrip("/"), existing):
        raise OutputError(
            f"output directory {directory} holds files wirestory did not write; "
            "give a new or empty --output directory (--overwrite never deletes them)"
        )
    if existing and not overwrite:
        raise OutputError(f"output directory {directory} is not empty (use --overwrite to replace)")
    if existing:
        # Manifest first: from here on the directory no longer looks complete.
        manifest = FileSystems.join(directory, MANIFEST)
        if FileSystems.exists(manifest):
            FileSystems.delete([manifest])
        FileSystems.delete([p for p in existing if not p.endswith("/" + MANIFEST)])
    _ensure_dir(directory)


def _ensure_dir(directory: str) -> None:
    """Creates a directory unless it exists (a no-op on object stores)."""
    if not FileSystems.exists(directory):
        FileSystems.mkdirs(directory)


def staging_dir(directory: str) -> str:
    """Where a run writes before it is complete."""
    return FileSystems.join(directory, STAGING)


def discard_staging(directory: str) -> None:
    """Removes a failed run's partial output."""
    staging = staging_dir(directory)
    if FileSystems.exists(staging):
        FileSystems.delete([staging])


def read_json(path: str) -> dict[str, Any]:
    """Reads a small JSON file from any Beam filesystem."""
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


def publish(directory: str, manifest: dict[str, Any]) -> dict[str, list[str]]:
    """Moves staged tables into place, writes the manifest last; returns the files per table."""
    staging = staging_dir(directory)
    files: dict[str, list[str]] = {}
    for table in sorted(TABLES):
        target_dir = FileSystems.join(directory, table)
        sources = sorted(_children(FileSystems.join(staging, table)))
        _ensure_dir(target_dir)
        targets = [FileSystems.join(target_dir, src.rsplit("/", 1)[-1]) for src in sources]
        FileSystems.rename(sources, targets)
        files[table] = [t[len(directory) :].lstrip("/") for t in targets]
    discard_staging(directory)
    with FileSystems.create(FileSystems.join(directory, MANIFEST)) as handle:
        body = {**manifest, "files": files}
        handle.write(json.dumps(body, indent=2, sort_keys=True, default=str).encode("utf-8"))
    return files
