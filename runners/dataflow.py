"""Dataflow: the recommended worker options, and submitting the graph without waiting for it.

`submit_graph` serves the two cases where nothing runs in this process: writing a template
(`--template_location`, also the offline graph check) and launching a Flex Template.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import (
    GoogleCloudOptions,
    PipelineOptions,
    StandardOptions,
)
from apache_beam.runners.runner import PipelineResult
from wirestory.pipeline import output
from wirestory.pipeline.assembly import build_pipeline
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.runner import resolve_runner

_LOG = logging.getLogger("wirestory")

# The image built from runners/Dockerfile; a placeholder to fill in, never a default.
IMAGE_PLACEHOLDER = "REGION-docker.pkg.dev/PROJECT/REPOSITORY/wirestory:0.1.0"

# Recommended options for a batch run; a flag given explicitly always wins over these.
PROFILE: Mapping[str, str] = {
    "runner": "DataflowRunner",
    # Runner v2 runs the Python SDK in our container (the default for Python; explicit on purpose).
    "experiments": "use_runner_v2",
    # 4 vCPUs and 16 GB: one SDK process per vCPU, each leaving room for its extraction child
    # (address space capped by --max-extract-memory, 2 GiB by default).
    "machine_type": "n2-standard-4",
    # The boot disk holds the container image (~2 GB); batch shuffle runs in the Dataflow service.
    "disk_size_gb": "50",
    # A cost cap for autoscaling: 80 vCPUs. Raise it for corpora of many millions of files.
    "max_num_workers": "20",
    # Native-heavy dependencies (lxml, trafilatura, pyarrow, numpy) preinstalled and pinned.
    "sdk_container_image": IMAGE_PLACEHOLDER,
    # Ships this checkout's code as an sdist over the image's copy: code changes need no rebuild.
    "setup_file": "./setup.py",
}


def profile_args(
    project: str,
    region: str,
    bucket: str,
    image: str | None = None,
    profile: Mapping[str, str] = PROFILE,
) -> list[str]:
    """Beam flags for a Dataflow run; bucket is gs://NAME, image the runners/Dockerfile image.

    Without an image the workers use Beam's stock container and pip-install the dependencies
    from PyPI at start-up (slower, needs worker internet access, but no image to build).
    """
    values = dict(profile)
    if image:
        values["sdk_container_image"] = image
    else:
        values.pop("sdk_container_image", None)
    bucket = bucket.rstrip("/")
    values.update(
        project=project,
        region=region,
        temp_location=f"{bucket}/wirestory/tmp",
        staging_location=f"{bucket}/wirestory/staging",
    )
    return [f"--{name}={value}" for name, value in values.items()]


def prepare_locations(options: PipelineOptions) -> None:
    """Creates local --temp_location and --staging_location folders, or fails at once.

    Beam retries a failed upload to a missing local staging folder for about 10 minutes before
    it reports FileNotFoundError; cloud locations (gs://) need no folder.
    """
    cloud = options.view_as(GoogleCloudOptions)
    for flag in ("temp_location", "staging_location"):
        location = getattr(cloud, flag)
        if not location or FileSystems.get_scheme(location) not in (None, "file"):
            continue
        folder = location.removeprefix("file://")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as err:
            raise UsageError(f"--{flag} {location} cannot be created: {err.strerror}") from err


def submit_graph(options: PipelineOptions) -> PipelineResult:
    """Builds the wirestory graph and submits it without waiting; returns the runner's result.

    With --template_location, Dataflow only writes the job (template) and nothing runs. The
    output directory is not touched: no emptiness check, no publishing. A job started from the
    graph writes its tables and summary.json under OUTPUT/_incomplete/.
    """
    wirestory = options.view_as(WirestoryOptions)
    if not wirestory.output:
        raise UsageError("--output is required")
    if not wirestory.inputs:
        raise UsageError("no input given")
    try:
        wirestory.minhash_params()
    except ValueError as err:
        raise UsageError(str(err)) from err
    wirestory.check_ranges()
    prepare_locations(options)
    standard = options.view_as(StandardOptions)
    standard.runner = standard.runner or "DataflowRunner"
    runner = resolve_runner(options)
    pipeline = beam.Pipeline(runner=runner, options=options)
    build_pipeline(pipeline, wirestory, output.staging_dir(wirestory.output))
    result = pipeline.run()
    template = options.view_as(GoogleCloudOptions).template_location
    if template:
        _LOG.info("template written to %s (the job was not started)", template)
    else:
        _LOG.info("job submitted; it writes under %s", output.staging_dir(wirestory.output))
    return result


def submit_stream(options: PipelineOptions) -> PipelineResult:
    """Submits the streaming graph (`--streaming`): Pub/Sub -> the dataset, one commit per
    window. It never ends by itself: drain or cancel it (see README), so nothing waits here."""
    from wirestory.pipeline.stream_command import build_stream

    prepare_locations(options)
    standard = options.view_as(StandardOptions)
    standard.runner = standard.runner or "DataflowRunner"
    standard.streaming = True
    pipeline = beam.Pipeline(runner=resolve_runner(options), options=options)
    build_stream(pipeline, options)
    result = pipeline.run()
    template = options.view_as(GoogleCloudOptions).template_location
    _LOG.info("streaming %s", f"template written to {template}" if template else "job submitted")
    return result


def build_template(argv: Sequence[str]) -> PipelineResult:
    """Writes a Dataflow template from Beam-style flags; --template_location is required."""
    options = PipelineOptions(list(argv))
    if not options.view_as(GoogleCloudOptions).template_location:
        raise UsageError("--template_location is required to build a template")
    return submit_graph(options)
