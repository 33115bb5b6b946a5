"""Runner profiles: the runner each name means and the options it needs. Data, not pipeline logic
(the launchers in runners/ build on it; nothing here imports them)."""

from __future__ import annotations

import logging
import os

from apache_beam.options.pipeline_options import (
    DirectOptions,
    PipelineOptions,
    PortableOptions,
    StandardOptions,
)
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.runners.runner import PipelineRunner

_LOG = logging.getLogger("wirestory")

LOCAL = "local"
PORTABLE = "portable"
# Short names accepted by `wirestory run --runner` -> Beam runner class names.
ALIASES = {
    LOCAL: "FnApiRunner",
    "fnapirunner": "FnApiRunner",
    PORTABLE: "PortableRunner",
    "dataflow": "DataflowRunner",
    "flink": "FlinkRunner",
    "spark": "SparkRunner",
}


def resolve_runner(options: PipelineOptions, workers: int | None = None) -> PipelineRunner | str:
    """Returns the runner for the options; the default is the local FnApiRunner, pinned.

    Beam's auto DirectRunner would first try to download the Prism runner, and behave
    differently where it can: pinning FnApiRunner keeps local runs the same everywhere.
    """
    standard = options.view_as(StandardOptions)
    name = ALIASES.get((standard.runner or LOCAL).lower(), standard.runner or "FnApiRunner")
    if workers is not None and name != "FnApiRunner":
        # The embedded job service runs one worker; clusters size themselves (--max_num_workers,
        # --parallelism, ...).
        _LOG.warning("--workers applies to the local runner only; ignored on %s", name)
    if workers is not None and workers > 1:
        direct = options.view_as(DirectOptions)
        direct.direct_num_workers = workers
        direct.direct_running_mode = "multi_processing"
    if name == "FnApiRunner":
        standard.runner = None
        return FnApiRunner()
    if name == "PortableRunner":
        portable = options.view_as(PortableOptions)
        # The embedded job service runs offline: the Job API path Flink and Spark use.
        portable.job_endpoint = portable.job_endpoint or "embed"
        portable.environment_type = portable.environment_type or "LOOPBACK"
    standard.runner = name
    return name


def extraction_processes(runner: PipelineRunner | str, options: PipelineOptions) -> int:
    """Extractor processes per worker when --extract-processes is not given.

    The local runner's workers share this machine, so together they use every core. Cluster
    runners already start one worker per core (Dataflow, Flink and Spark SDK harnesses).
    """
    if not isinstance(runner, FnApiRunner):
        return 1
    workers = options.view_as(DirectOptions).direct_num_workers or 1
    return max(1, available_cores() // workers)


def available_cores() -> int:
    """Cores this process may run on: its CPU affinity where the OS has one (Linux), else the
    machine's count (macOS and Windows have no os.sched_getaffinity)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    count = getattr(os, "process_cpu_count", os.cpu_count)  # process_cpu_count: Python 3.13
    return count() or 1
