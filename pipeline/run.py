"""Beam-style entry point: python -m wirestory.pipeline.run --input ... --output ... [options]."""

from __future__ import annotations

import dataclasses
import logging
import platform
import sys
import time
from importlib import metadata
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from wirestory.pipeline import outcome, output, signals
from wirestory.pipeline.assembly import build_pipeline
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.options import WirestoryOptions
from wirestory.runners.profiles import extraction_processes, resolve_runner
from wirestory.transforms.components import rounds_for
from wirestory.transforms.read import CONTAINER_KINDS, document_kind, expand_input
from wirestory.transforms.write import SUMMARY_FILE

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


def check_inputs(patterns: list[str]) -> int:
    """Fails early, with the culprit named, when an input matches nothing.

    Returns an upper bound on the documents: one per page file, and one per 16 bytes of a
    container (8:1 assumed for gzip; beyond that a record is rejected, not a graph node).
    """
    if not patterns:
        raise UsageError("no input given")
    bound = 0
    for pattern in patterns:
        try:
            found = FileSystems.match([expand_input(pattern)])[0].metadata_list
        except Exception as err:  # filesystems raise their own error types
            raise UsageError(f"cannot list input {pattern}: {err}") from err
        if not found:
            raise UsageError(f"input {pattern} matched no files")
        for file in found:
            kind, gzipped = document_kind(file.path)
            if kind in CONTAINER_KINDS:
                bound += file.size_in_bytes * (8 if gzipped else 1) // 16 + 1
            else:
                bound += 1
    return bound


def run(
    argv: list[str] | None = None,
    options: PipelineOptions | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Runs the pipeline to completion and returns the manifest it wrote."""
    options = options if options is not None else PipelineOptions(argv)
    if options.get_all_options().get("template_location"):
        raise UsageError(
            "--template_location only writes a Dataflow template; "
            "use python -m wirestory.runners.dataflow_launch (no output checks, no publishing)"
        )
    wirestory = options.view_as(WirestoryOptions)
    if not wirestory.output:
        raise UsageError("--output is required")
    wirestory.check_ranges(workers)
    try:
        params = wirestory.minhash_params()
    except ValueError as err:
        raise UsageError(str(err)) from err
    max_docs = check_inputs(wirestory.inputs)
    if not wirestory.cc_rounds:
        wirestory.cc_rounds = rounds_for(max_docs)
    try:
        output.prepare_output(wirestory.output, wirestory.overwrite)
    except output.OutputError as err:
        raise UsageError(str(err)) from err
    runner = resolve_runner(options, workers)
    if not wirestory.extract_processes:
        wirestory.extract_processes = extraction_processes(runner, options)
    staging = output.staging_dir(wirestory.output)
    started = time.monotonic()
    _LOG.info(
        "running on %s: %s -> %s",
        runner if isinstance(runner, str) else "FnApiRunner",
        ", ".join(wirestory.inputs),
        wirestory.output,
    )
    try:
        with beam.Pipeline(runner=runner, options=options) as pipeline:
            signals.watch(pipeline)  # an interrupt cancels its remote job
            build_pipeline(pipeline, wirestory, staging)
        summary = output.read_json(FileSystems.join(staging, SUMMARY_FILE))
        outcome.check_extraction(summary, staging)
    except BaseException:
        output.discard_staging(wirestory.output)
        raise
    manifest = {
        "inputs": wirestory.inputs,
        "counts": {k: summary[k] for k in ("inputs", "articles", "stories", "rejects")},
        "documents": outcome.documents(summary),
        "duplicate_articles": summary["articles"] - summary["stories"],
        "rejects_by_reason": dict(sorted(summary["rejects_by_reason"].items())),
        "skipped_records": dict(sorted(summary["skipped_records"].items())),
        "largest_stories": summary["largest"],
        "parameters": {
            "minhash": dataclasses.asdict(params),
            "read_limits": dataclasses.asdict(wirestory.read_limits()),
            "extraction": dataclasses.asdict(wirestory.extraction_settings()),
            "cc_rounds": wirestory.cc_rounds,
            "extract_processes": wirestory.extract_processes,
        },
        "runner": options.view_as(StandardOptions).runner or "FnApiRunner",
        "versions": package_versions(),
        "seconds": round(time.monotonic() - started, 3),
    }
    manifest["files"] = output.publish(wirestory.output, manifest)
    return manifest


def main() -> None:
    """Console entry for `python -m wirestory.pipeline.run`: the same as `wirestory run`
    (summary, one-line errors, exit codes)."""
    from wirestory.pipeline.cli import main as cli_main

    sys.exit(cli_main(["run", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
