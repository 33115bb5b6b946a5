"""`wirestory stream` and the Dataflow streaming launch: Pub/Sub -> the dataset, continuously.

The graph is pipeline/stream.py. This module adds the source, the options only a stream has,
and the runner: `--runner local` means Beam's BundleBasedDirectRunner in streaming mode (the
FnApiRunner holds every GroupByKey until an unbounded source ends, so it cannot stream).
"""

from __future__ import annotations

import datetime
import logging
import time
from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from wirestory.pipeline.dataset import DatasetError
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.ingest import open_dataset
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.runner import LOCAL, resolve_runner
from wirestory.pipeline.stream import STREAM_ROUNDS, StreamContext, build_stream_pipeline
from wirestory.pipeline.stream_flags import add_stream_flags
from wirestory.transforms.stream_seed import IndexSnapshot

_LOG = logging.getLogger("wirestory")


class StreamOptions(PipelineOptions):
    """`--input_subscription` and `--window_seconds`, for launchers that parse Beam flags."""

    @classmethod
    def _add_argparse_args(cls, parser: Any) -> None:
        add_stream_flags(parser)


def check_stream_options(options: PipelineOptions) -> str:
    """Checks a stream's own options; returns the subscription."""
    wirestory = options.view_as(WirestoryOptions)
    stream = options.view_as(StreamOptions)
    subscription = stream.input_subscription or ""
    parts = subscription.split("/")
    if len(parts) != 4 or parts[0] != "projects" or parts[2] != "subscriptions":
        raise DatasetError("--input_subscription must be projects/P/subscriptions/S")
    if not wirestory.dataset:
        raise DatasetError("--dataset is required")
    if not stream.window_seconds or stream.window_seconds < 1:
        raise DatasetError("--window-seconds must be >= 1")
    try:
        wirestory.minhash_params()
    except ValueError as err:
        raise DatasetError(str(err)) from err
    return subscription


def stream_context(options: PipelineOptions) -> StreamContext:
    """Checks the options, opens (or creates) the dataset; the context the graph needs."""
    subscription = check_stream_options(options)
    wirestory = options.view_as(WirestoryOptions)
    stream = options.view_as(StreamOptions)
    dataset = open_dataset(wirestory.dataset, wirestory)
    return StreamContext(
        root=dataset.root,
        subscription=subscription,
        params=dataset.config.params(),
        buckets=dataset.config.buckets,
        window_seconds=stream.window_seconds,
        lookback_days=wirestory.lookback_days,
        start_date=datetime.datetime.now(datetime.timezone.utc).date(),
        snapshot=IndexSnapshot(
            dataset.config.buckets,
            dataset.bucket_files("bands"),
            dataset.bucket_files("documents"),
        ),
        start_index=int(time.time()) // stream.window_seconds,
        cc_rounds=wirestory.cc_rounds or STREAM_ROUNDS,
    )


def build_stream(pipeline: beam.Pipeline, options: PipelineOptions) -> dict[str, Any]:
    """The source and every streaming step."""
    ctx = stream_context(options)
    messages = pipeline | "ReadPubSub" >> beam.io.ReadFromPubSub(
        subscription=ctx.subscription, with_attributes=True
    )
    return build_stream_pipeline(messages, options.view_as(WirestoryOptions), ctx)


def stream_runner(options: PipelineOptions, workers: int | None = None) -> Any:
    """The runner for a stream: the streaming DirectRunner for `local`, else as `run`."""
    standard = options.view_as(StandardOptions)
    standard.streaming = True
    if (standard.runner or LOCAL).lower() in (LOCAL, "directrunner", "bundlebaseddirectrunner"):
        from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner

        standard.runner = None
        return BundleBasedDirectRunner()
    return resolve_runner(options, workers)


def _check_credentials() -> None:
    """The local runner reads Pub/Sub with this machine's Google credentials: without them,
    say so in one line before starting (Beam would retry, print tracebacks, then fail)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        google.auth.default()
    except DefaultCredentialsError as err:
        raise UsageError(
            "reading Pub/Sub needs Google credentials (gcloud auth application-default login, "
            f"or GOOGLE_APPLICATION_CREDENTIALS): {err}"
        ) from None


def run_stream(options: PipelineOptions, workers: int | None = None) -> int:
    """Runs until the job is cancelled or drained (locally: until interrupted)."""
    runner = stream_runner(options, workers)
    check_stream_options(options)
    if type(runner).__name__ == "BundleBasedDirectRunner":  # reads Pub/Sub from this machine
        _check_credentials()
    wirestory = options.view_as(WirestoryOptions)
    wirestory.extract_processes = wirestory.extract_processes or 1
    pipeline = beam.Pipeline(runner=runner, options=options)
    build_stream(pipeline, options)
    result = pipeline.run()
    _LOG.info("stream running; windows commit to %s as they close", wirestory.dataset)
    result.wait_until_finish()
    return 0
