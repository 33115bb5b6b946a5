"""Runs wirestory on Dataflow with the recommended options; also the Flex Template entry point.

    python -m wirestory.runners.dataflow_launch --project P --region R --bucket gs://B \\
        --image IMAGE --input 'gs://B/articles/**' --output gs://B/wirestory/out [options]

With --streaming (and --input_subscription, --dataset) it submits `wirestory stream` instead.
Without --template_location the job runs to completion and the output is published with its
manifest.json, as `wirestory run` does. With --template_location, or when started by a Flex
Template launcher, the graph is only submitted (see runners.dataflow.submit_graph).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from apache_beam.options.pipeline_options import (
    GoogleCloudOptions,
    PipelineOptions,
    StandardOptions,
)
from wirestory.pipeline import signals
from wirestory.pipeline.cli import one_line, print_summary
from wirestory.pipeline.dataset import DatasetError
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.flags import check_known
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.run import run
from wirestory.pipeline.stream_command import StreamOptions  # noqa: F401 (registers its flags)
from wirestory.runners.dataflow import (
    PROFILE,
    prepare_locations,
    profile_args,
    submit_graph,
    submit_stream,
)

# Set in the image by runners/Dockerfile; the Flex Template launcher runs this file there.
FLEX_ENV = "FLEX_TEMPLATE_PYTHON_PY_FILE"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project")
    parser.add_argument("--region")
    parser.add_argument("--bucket", help="gs://NAME for temp and staging files.")
    parser.add_argument("--image", help="The runners/Dockerfile image (else Beam's stock one).")
    return parser


def dataflow_argv(argv: Sequence[str]) -> list[str]:
    """Beam flags for the launch: the profile's when --bucket is given, then the caller's.

    Without --bucket the flags pass through, --image as --sdk_container_image (a Flex Template
    launcher, or a command that spells out every option). The caller's flags come last and win.
    """
    known, rest = _parser().parse_known_args(list(argv))
    if known.bucket is None:
        given = {"project": known.project, "region": known.region}
        given["sdk_container_image"] = known.image
        return [f"--{name}={value}" for name, value in given.items() if value] + rest
    if not known.project or not known.region:
        raise UsageError("--bucket needs --project and --region too")
    profile = dict(PROFILE)
    if not os.path.exists(profile["setup_file"]):
        if not known.image:
            raise UsageError(
                "run from the repository root (./setup.py ships the code to the workers), "
                "or give --image with wirestory installed"
            )
        del profile["setup_file"]  # the image carries the code
    return [*profile_args(known.project, known.region, known.bucket, known.image, profile), *rest]


def main(argv: Sequence[str] | None = None) -> int:
    """Launches; returns the exit code (0 done or submitted, 1 failed, 2 usage error)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        beam_argv = dataflow_argv(sys.argv[1:] if argv is None else argv)
        check_known(beam_argv)
        options = PipelineOptions(beam_argv)
        prepare_locations(options)
        if options.view_as(StandardOptions).streaming:
            submit_stream(options)  # wirestory stream on Dataflow: submitted, never awaited
            return 0
        if options.view_as(GoogleCloudOptions).template_location or os.environ.get(FLEX_ENV):
            submit_graph(options)
            return 0
        output = options.view_as(WirestoryOptions).output
        # Ctrl-C or SIGTERM while the launcher waits cancels the Dataflow job (one line, 130/143).
        with signals.handled(signals.output_remover(output)):
            manifest = run(options=options)
    except (UsageError, DatasetError) as err:
        print(f"wirestory: error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # storage unreachable, submission refused: one line, details logged
        logging.getLogger("wirestory").debug("launch failure", exc_info=True)
        print(f"wirestory: launch failed: {one_line(err)}", file=sys.stderr)
        return 1
    print_summary(manifest, options.view_as(WirestoryOptions).output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
