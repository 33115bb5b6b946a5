"""The `wirestory` command: run, ingest, watch, stream and demo."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from wirestory.pipeline import flags, progress, signals
from wirestory.pipeline.errors import UsageError

_EPILOG = "Any other Apache Beam pipeline option (--project, --region, ...) is passed through."


_INPUTS = "Required (or --input): file, directory or glob."
# The commands that read inputs: help, usage, positional name and its help.
_INPUT_COMMANDS = {
    "run": (
        "Extract and group articles into a new dataset (Delta Lake tables).",
        "wirestory run INPUT [INPUT ...] --output DIR [options]",
        "INPUT",
        _INPUTS,
    ),
    "ingest": (
        "Add new inputs to a dataset (one commit per batch).",
        "wirestory ingest INPUT [INPUT ...] --dataset DIR [options]",
        "INPUT",
        _INPUTS,
    ),
    "watch": (
        "Ingest the new files of a folder continuously.",
        "wirestory watch INPUT_DIR --dataset DIR --every SECONDS [options]",
        "INPUT_DIR",
        "Folder to watch.",
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = flags.OneLineParser(prog="wirestory", description=__doc__)
    parser.add_argument("--version", action="version", version=flags.version())
    commands = parser.add_subparsers(dest="command", required=True)
    for name, (text, usage, metavar, what) in _INPUT_COMMANDS.items():
        command = commands.add_parser(name, help=text, epilog=_EPILOG, usage=usage)
        command.add_argument("paths", nargs="*", metavar=metavar, help=what)
        flags.add_wirestory_flags(command, name)
        if name == "watch":
            command.add_argument(
                "--every",
                type=float,
                default=60.0,
                metavar="SECONDS",
                help="Seconds between looks for new files (default: %(default)s).",
            )
        _add_run_flags(command)
    stream_cmd = commands.add_parser(
        "stream",
        help="Ingest Pub/Sub messages continuously (one commit per event-time window).",
        epilog=_EPILOG
        + " Runners: dataflow, or local (Beam's streaming DirectRunner, to try it out);"
        + " Beam's Python Pub/Sub source has no Flink or Spark implementation."
        + " --lookback-days also bounds the state the stream keeps (duplicates, index)."
        + " --cc-rounds sizes a window's grouping (default: enough for a million articles a"
        + " window). --input and --batch-size do not apply.",
        usage="wirestory stream --input_subscription projects/P/subscriptions/S --dataset DIR "
        "[options]",
    )
    _add_stream_flags(stream_cmd)
    flags.add_wirestory_flags(stream_cmd, "stream")
    _add_run_flags(stream_cmd)
    demo = commands.add_parser("demo", help="Generate the demo corpus, run on it, check groups.")
    demo.add_argument("directory", nargs="?", default="demo", help="Where to put it (./demo).")
    demo.add_argument("--seed", type=int, default=7, help="Corpus generator seed.")
    _add_run_flags(demo)
    explain = commands.add_parser("explain", help="Why an article is in its story.")
    explain.add_argument("dataset", help="A wirestory output directory.")
    explain.add_argument("doc_id", help="The article's doc_id.")
    report = commands.add_parser("report", help="Write a self-contained HTML report.")
    report.add_argument("dataset", help="A wirestory output directory.")
    report.add_argument("--output", default="report.html", help="HTML file (report.html).")
    return parser


def _add_run_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers", type=int, default=None, help="Local worker processes, >= 1 (default: 1)."
    )
    parser.add_argument(
        "--runner",
        default="local",
        help="local, portable, dataflow, flink or spark (default: %(default)s).",
    )
    parser.add_argument("--quiet", action="store_true", help="Only print the summary.")


def _add_stream_flags(parser: argparse.ArgumentParser) -> None:
    from wirestory.pipeline.stream_flags import add_stream_flags

    add_stream_flags(parser)


def _stream(args: argparse.Namespace, beam_args: list[str]) -> int:
    from wirestory.pipeline.stream_command import run_stream

    with signals.handled():
        return run_stream(_options(args, beam_args), args.workers)


def one_line(err: BaseException) -> str:
    """The most telling line of a (possibly nested, multi-line) pipeline error."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    marked = [line for line in lines if "wirestory" in line.lower()]
    text = (marked or lines or [type(err).__name__])[-1]
    return f"{type(err).__name__}: {text}"[:500]


def print_summary(manifest: dict[str, Any], directory: str) -> None:
    """Prints what the run did, as a person reads it."""
    counts = manifest["counts"]
    reasons = ", ".join(f"{k}: {v}" for k, v in manifest["rejects_by_reason"].items())
    print(f"wirestory: done in {manifest['seconds']:.1f} s")
    print(f"  inputs              {counts['inputs']:>8}")
    print(f"  articles            {counts['articles']:>8}")
    print(f"  rejects             {counts['rejects']:>8}" + (f"   ({reasons})" if reasons else ""))
    skipped = manifest.get("skipped_records", {})
    if skipped:
        detail = ", ".join(f"{k}: {v}" for k, v in skipped.items())
        print(f"  skipped records     {sum(skipped.values()):>8}   ({detail})")
    print(f"  stories             {counts['stories']:>8}")
    print(f"  duplicate articles  {manifest['duplicate_articles']:>8}")
    largest = [s for s in manifest["largest_stories"] if s["size"] > 1]
    if largest:
        print("  largest stories:")
        for story in largest:
            print(f"    {story['size']:>5}  {story['story_id']}  {story['title'] or '(no title)'}")
    print(f"  output: {directory} (articles/ stories/ rejects/ manifest.json)")


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
        force=True,  # importing Beam may already have installed a root handler
    )
    # Beam's own INFO lines name internal stages; ours say what progresses.
    logging.getLogger("apache_beam").setLevel(logging.WARNING)


def _options(args: argparse.Namespace, beam_args: list[str], **overrides: Any) -> Any:
    from apache_beam.options.pipeline_options import PipelineOptions

    skip = ("command", "workers", "quiet", "directory", "seed", "paths", "every")
    values = {k: v for k, v in vars(args).items() if k not in skip}
    values["inputs"] = [*getattr(args, "inputs", []), *getattr(args, "paths", [])]
    values.update(overrides)
    return PipelineOptions(beam_args, **values)


def _shown(args: argparse.Namespace, options: Any) -> Any:
    """The live progress display, on the local runner unless --quiet."""
    local = args.runner.lower() in ("local", "fnapirunner")
    inputs = options.get_all_options().get("inputs") or []
    return progress.shown(inputs, local and not args.quiet)


def _run(args: argparse.Namespace, beam_args: list[str], **overrides: Any) -> dict[str, Any]:
    from wirestory.pipeline.run import run

    options = _options(args, beam_args, **overrides)
    # The run removes its own partial dataset on an interrupt (it never writes into --output).
    with signals.handled(), _shown(args, options):
        return run(options=options, workers=args.workers)


def _dataset_command(args: argparse.Namespace, beam_args: list[str]) -> int:
    from wirestory.pipeline.commands import print_ingest_summary, run_ingest, run_watch

    options = _options(args, beam_args)
    if args.command == "watch":
        # Its own signal handling: a signal finishes the batch in progress, then stops.
        return run_watch(options, args.every, args.workers)
    # An interrupted ingest commits nothing of its batch; the next ingest redoes it.
    with signals.handled(), _shown(args, options):
        summary = run_ingest(options, args.workers)
    print_ingest_summary(summary)
    return 0


def _demo(args: argparse.Namespace, beam_args: list[str]) -> dict[str, Any]:
    from wirestory.pipeline.demo import generate_demo_corpus
    from wirestory.pipeline.demo_check import check_against_truth

    root = Path(args.directory)
    corpus = generate_demo_corpus(root / "articles", seed=args.seed)
    out = root / "out"
    manifest = _run(
        args, beam_args, inputs=[str(root / "articles")], output=str(out), overwrite=True
    )
    print_summary(manifest, str(out))
    print(check_against_truth(corpus, root / "articles", out))
    return manifest


def _inspect(args: argparse.Namespace) -> int:
    """`explain` and `report`: read a dataset, never run a pipeline."""
    try:
        if args.command == "explain":
            from wirestory.pipeline.explain import explain

            print(explain(args.dataset, args.doc_id))
        else:
            from wirestory.pipeline.report import write_report

            print(f"wirestory: wrote {write_report(args.dataset, args.output)}")
    except (KeyError, OSError, ValueError) as err:
        print(f"wirestory: error: {err}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parses the command line, runs, prints the summary; returns the exit code."""
    args, beam_args = _parser().parse_known_args(argv)
    if args.command in ("explain", "report"):
        return _inspect(args)
    _configure_logging(args.quiet)
    try:
        flags.validate({**flags.DEFAULTS, **vars(args)}, getattr(args, "workers", None))
        flags.check_known(beam_args)
        if args.command == "demo":
            _demo(args, beam_args)
        elif args.command == "stream":
            return _stream(args, beam_args)
        elif args.command in ("ingest", "watch"):
            return _dataset_command(args, beam_args)
        else:
            manifest = _run(args, beam_args)
            print_summary(manifest, args.output)
    except UsageError as err:
        print(f"wirestory: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wirestory: interrupted; partial output removed", file=sys.stderr)
        return 130
    except Exception as err:  # the pipeline failed: one line for the user, details in the log
        from wirestory.pipeline.dataset import DatasetBusy, DatasetError

        if isinstance(err, DatasetBusy):
            print(f"wirestory: {err}", file=sys.stderr)
            return 75  # EX_TEMPFAIL: a scheduler may retry later
        if isinstance(err, DatasetError):
            print(f"wirestory: error: {err}", file=sys.stderr)
            return 2
        logging.getLogger("wirestory").debug("pipeline failure", exc_info=True)
        print(f"wirestory: pipeline failed: {one_line(err)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
