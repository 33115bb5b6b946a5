"""Beam-style entry point: python -m pipeline.run --input ... --output ... [Beam options]."""

from __future__ import annotations

import dataclasses
import logging
import platform
import sys
import time
from importlib import metadata
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from wirestory.pipeline import outcome, output, signals
from wirestory.pipeline.dataset import DatasetError
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.ingest import ingest, list_inputs
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.runner import extraction_processes, resolve_runner
from wirestory.transforms.components import rounds_for
from wirestory.transforms.read import CONTAINER_KINDS, document_kind

_LOG = logging.getLogger("wirestory")
_PACKAGES = ("wirestory", "apache-beam", "trafilatura", "datasketch", "pyarrow", "pydantic")


def package_versions(packages: tuple[str, ...] = _PACKAGES) -> dict[str, str]:
    """Python's and each installed package's version, for manifests and reports."""
    versions = {"python": platform.python_version()}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def _asdict_or_none(settings: Any) -> dict[str, Any] | None:
    return None if settings is None else dataclasses.asdict(settings)


def check_inputs(patterns: list[str]) -> int:
    """Fails early, with the culprit named, when an input matches nothing.

    Returns an upper bound on the documents: one per page file, and one per 16 bytes of a
    container (8:1 assumed for gzip; beyond that a record is rejected, not a graph node).
    """
    if not patterns:
        raise UsageError("no input given")
    try:
        files = list_inputs(patterns)
    except DatasetError as err:
        raise UsageError(str(err)) from err
    bound = 0
    for file in files:
        kind, gzipped = document_kind(file.path)
        if kind in CONTAINER_KINDS:
            bound += file.size * (8 if gzipped else 1) // 16 + 1
        else:
            bound += 1
    return bound


def run(
    argv: list[str] | None = None,
    options: PipelineOptions | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Ingests the inputs into a new dataset at --output; returns the manifest it wrote.

    The dataset is built beside the output and put in place only when complete, so a failed or
    interrupted run leaves an earlier output (replaced with --overwrite) as it was.
    """
    options = options if options is not None else PipelineOptions(argv)
    if options.get_all_options().get("template_location"):
        raise UsageError(
            "--template_location only writes a Dataflow template; "
            "use python -m wirestory.runners.dataflow_launch (no output checks, no publishing)"
        )
    wirestory = options.view_as(WirestoryOptions)
    if not wirestory.output:
        raise UsageError("--output is required")
    try:
        params = wirestory.minhash_params()
    except ValueError as err:
        raise UsageError(str(err)) from err
    max_docs = check_inputs(wirestory.inputs)
    if not wirestory.cc_rounds:
        wirestory.cc_rounds = rounds_for(max_docs)
    try:
        building = output.prepare_output(wirestory.output, wirestory.overwrite)
    except output.OutputError as err:
        raise UsageError(str(err)) from err
    runner = resolve_runner(options, workers)
    if not wirestory.extract_processes:
        wirestory.extract_processes = extraction_processes(runner, options)
    started = time.monotonic()
    _LOG.info(
        "running on %s: %s -> %s",
        runner if isinstance(runner, str) else "FnApiRunner",
        ", ".join(wirestory.inputs),
        wirestory.output,
    )
    wirestory.dataset = building
    signals.on_interrupt(lambda: output.discard(building, wirestory.output))
    wirestory.batch_size = max(wirestory.batch_size, max_docs)  # one batch: a one-shot run
    try:
        summary = ingest(options, lambda: runner)
        manifest = {
            "inputs": wirestory.inputs,
            "counts": {
                "inputs": summary["inputs"],
                "articles": summary["tables"]["articles"],
                "stories": summary["tables"]["stories"],
                "rejects": summary["tables"]["rejects"],
            },
            "documents": outcome.documents(summary),
            "duplicate_articles": summary["tables"]["articles"] - summary["tables"]["stories"],
            "rejects_by_reason": summary["rejects_by_reason"],
            "skipped_records": summary["skipped_records"],
            "skipped_documents": summary["skipped"],
            "largest_stories": output.largest_stories(building),
            # Components above --max-story-size: template pages or a bad input, to look at.
            "oversized_stories": summary["oversized_stories"],
            "parameters": {
                "minhash": dataclasses.asdict(params),
                "read_limits": dataclasses.asdict(wirestory.read_limits()),
                "extraction": dataclasses.asdict(wirestory.extraction_settings()),
                # The page-chrome rule grouping ran with (None: chrome kept, --chrome-min-pages 0).
                "chrome": _asdict_or_none(wirestory.chrome_rule()),
                "cc_rounds": wirestory.cc_rounds,
                "extract_processes": wirestory.extract_processes,
            },
            "runner": options.view_as(StandardOptions).runner or "FnApiRunner",
            "versions": package_versions(),
            "seconds": round(time.monotonic() - started, 3),
            # The one batch's pipeline and commit times, with the seconds of each step.
            "timings": summary["timings"][0] if summary["timings"] else {},
        }
        output.write_manifest(building, manifest)
    except BaseException:
        output.discard(building, wirestory.output)
        raise
    output.publish(building, wirestory.output)
    return manifest


def main() -> None:
    """Console entry for `python -m wirestory.pipeline.run`: the same as `wirestory run`
    (summary, one-line errors, exit codes)."""
    from wirestory.pipeline.cli import main as cli_main

    sys.exit(cli_main(["run", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
