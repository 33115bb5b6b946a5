"""wirestory's own flags, their defaults and their checks; importing this module loads no Beam.

`wirestory --help` and `--version` only build the parser, so they stay fast (Beam takes ~1.5 s
to import). The defaults mirror the dataclasses that use them (MinHashParams, ReadLimits,
ExtractionSettings); tests/test_cli.py keeps them equal.
"""

from __future__ import annotations

import argparse
import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from wirestory.pipeline.errors import UsageError

MIB = 1024**2
DEFAULTS: dict[str, Any] = {
    "threshold": 0.4,
    "containment": 0.5,
    "shingle_size": 3,
    "num_perm": 128,
    "cc_rounds": None,
    "max_story_size": 1000,
    "max_file_bytes": 20 * MIB,
    "max_decompressed_bytes": 50 * MIB,
    "max_extract_seconds": 20.0,
    "max_extract_memory": 2 * 1024 * MIB,
    "extract_processes": 0,
    "json_field_names": "",
    "batch_size": 10_000,
    "lookback_days": 30,
    "chrome_min_pages": 5,
    "chrome_min_share": 0.3,
    "chrome_repeated_share": 0.35,
}
JSON_ROLES = ("html", "text", "url", "title", "published", "id")
# The short runner names (runners.profiles.ALIASES); a Beam runner class name works too.
RUNNERS = ("local", "fnapirunner", "portable", "dataflow", "flink", "spark")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line (and exit 2), like wirestory's own."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"wirestory: error: {message} (see {self.prog} --help)\n")


def _flag(parser: argparse.ArgumentParser, name: str, kind: type, text: str) -> None:
    """Adds --NAME-WITH-HYPHENS (the spelling the README uses) and --name_with_underscores."""
    hyphenated = "--" + name.replace("_", "-")
    spellings = [hyphenated] if "_" not in name else [hyphenated, "--" + name]
    metavar = "BYTES" if "bytes" in name or "memory" in name else "N" if kind is int else "X"
    parser.add_argument(
        *spellings, dest=name, type=kind, default=DEFAULTS[name], metavar=metavar, help=text
    )


def add_wirestory_flags(parser: argparse.ArgumentParser, command: str | None = None) -> None:
    """wirestory's flags, hyphenated spelling first, each help with its default; for `command`
    only those it uses (run: --output, --overwrite; ingest and watch: --dataset and its
    batching), for Beam's option parser (command None) all of them."""
    parser.add_argument(
        "--input",
        dest="inputs",
        metavar="PATH",
        action="append",
        default=[],
        help="File, directory (recursed) or glob on any Beam filesystem. Repeatable; "
        "the same as a positional INPUT.",
    )
    if command in (None, "run"):
        parser.add_argument(
            "--output",
            help="Required. Output directory (local, gs://, s3://, ...); it must be new or empty.",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            default=False,
            help="Replace an existing wirestory output directory (default: off).",
        )
    _flag(
        parser,
        "threshold",
        float,
        "Jaccard similarity of the shingle sets at which two articles join (and so may join "
        "their stories), in (0, 1) (default: %(default)s).",
    )
    _flag(
        parser,
        "containment",
        float,
        "Share of a shorter copy found in a longer one (lead included) that attaches it to "
        "the longer one's story, in (0, 1] (default: %(default)s).",
    )
    _flag(parser, "shingle_size", int, "Words per shingle, >= 1 (default: %(default)s).")
    _flag(
        parser, "num_perm", int, "MinHash permutations per signature, >= 2 (default: %(default)s)."
    )
    _flag(
        parser,
        "cc_rounds",
        int,
        "Connected-components rounds in the graph, >= 1 (default: sized from the input).",
    )
    _flag(
        parser,
        "max_story_size",
        int,
        "A story larger than this (template pages, a bad input) is labelled without gathering "
        "its members and listed in the manifest, >= 2 (default: %(default)s).",
    )
    _flag(
        parser,
        "max_file_bytes",
        int,
        "Largest input file read, in bytes; larger files "
        "are rejected as too_large (default: %(default)s = 20 MiB).",
    )
    _flag(
        parser,
        "max_decompressed_bytes",
        int,
        "Largest decompressed size of a .gz page; "
        "a .gz container's whole stream may reach the larger of this and 20x its size "
        "(default: %(default)s = 50 MiB).",
    )
    _flag(
        parser,
        "max_extract_seconds",
        float,
        "Time limit for extracting one document; "
        "beyond it the document is a timeout reject (default: %(default)s).",
    )
    _flag(
        parser,
        "max_extract_memory",
        int,
        "Address-space limit in bytes of each extractor "
        "process, 0 for none (default: %(default)s = 2 GiB).",
    )
    _flag(
        parser,
        "extract_processes",
        int,
        "Extractor processes per Beam worker; 0 = the "
        "local runner uses every core across its workers, other runners 1 (default: 0).",
    )
    parser.add_argument(
        "--json-fields",
        "--json_fields",
        dest="json_field_names",
        metavar="PAIRS",
        default=DEFAULTS["json_field_names"],
        help="JSON Lines field names as role=name pairs, e.g. html=content,url=link "
        f"(roles: {', '.join(JSON_ROLES)}; default: the role names).",
    )
    if command != "stream":  # the streaming path keeps chrome (README, "Page chrome")
        _flag(
            parser,
            "chrome_min_pages",
            int,
            "A line is page chrome (removed before grouping) when at least this many pages of "
            "one site hold it, counted over the dataset; 0 keeps every line (default: "
            "%(default)s).",
        )
        _flag(
            parser,
            "chrome_min_share",
            float,
            "... and at least this share of the site's pages, in (0, 1] (default: %(default)s).",
        )
        _flag(
            parser,
            "chrome_repeated_share",
            float,
            "A page where lines on at least --chrome-min-pages pages of its site (chrome or not) "
            "hold more than this share of its tokens is grouped on its other lines, in (0, 1]; 1 "
            "turns this off (default: %(default)s).",
        )
    if command not in (None, "ingest", "watch", "stream"):
        return
    parser.add_argument(
        "--dataset",
        metavar="DIR",
        help="Required. Dataset directory (local, gs://, s3://, ...); created on first use.",
    )
    _flag(
        parser,
        "batch_size",
        int,
        "Documents per ingest micro-batch, each one commit; bounds memory, >= 1 "
        "(default: %(default)s).",
    )
    _flag(
        parser,
        "lookback_days",
        int,
        "Match new documents against indexed ones within this many days of their own date "
        "(published, else fetched, else ingest date), >= 0 (default: %(default)s).",
    )


def version() -> str:
    """`wirestory X.Y.Z` from the installed package's metadata."""
    from importlib import metadata

    try:
        return f"wirestory {metadata.version('wirestory')}"
    except metadata.PackageNotFoundError:
        return "wirestory (not installed)"


def json_field_pairs(spec: str | None) -> dict[str, str]:
    """--json-fields as {role: name}; raises UsageError naming the bad part."""
    pairs: dict[str, str] = {}
    for part in (p.strip() for p in (spec or "").split(",")):
        if not part:
            continue
        role, sep, name = (s.strip() for s in part.partition("="))
        if not sep or not name or role not in JSON_ROLES:
            raise UsageError(
                f"--json-fields takes role=name pairs with roles {', '.join(JSON_ROLES)}; "
                f"got {part!r}"
            )
        pairs[role] = name
    return pairs


def _check(ok: bool, flag: str, rule: str, value: Any) -> None:
    if not ok:
        raise UsageError(f"{flag} must be {rule}, got {value!r}")


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate(values: Mapping[str, Any], workers: int | None = None) -> None:
    """Checks every wirestory option's range; raises UsageError with one line for the first
    bad one."""
    get = values.get
    threshold, containment = get("threshold"), get("containment")
    _check(_number(threshold) and 0 < threshold < 1, "--threshold", "in (0, 1)", threshold)
    _check(_number(containment) and 0 < containment <= 1, "--containment", "in (0, 1]", containment)
    for name, low in (
        ("shingle_size", 1),
        ("num_perm", 2),
        ("max_file_bytes", 1),
        ("max_story_size", 2),
    ):
        value = get(name)
        _check(_number(value) and value >= low, "--" + name.replace("_", "-"), f">= {low}", value)
    for name, low in (("max_decompressed_bytes", 1), ("max_extract_memory", 0)):
        value = get(name)
        _check(_number(value) and value >= low, "--" + name.replace("_", "-"), f">= {low}", value)
    seconds = get("max_extract_seconds")
    _check(_number(seconds) and seconds > 0, "--max-extract-seconds", "> 0", seconds)
    processes = get("extract_processes") or 0
    _check(_number(processes) and processes >= 0, "--extract-processes", ">= 0", processes)
    rounds = get("cc_rounds")
    _check(rounds is None or (_number(rounds) and rounds >= 1), "--cc-rounds", ">= 1", rounds)
    _check(workers is None or workers >= 1, "--workers", ">= 1", workers)
    batch, lookback = get("batch_size"), get("lookback_days")
    _check(batch is None or (_number(batch) and batch >= 1), "--batch-size", ">= 1", batch)
    chrome_pages, chrome_share = get("chrome_min_pages"), get("chrome_min_share")
    pages_ok = chrome_pages is None or (_number(chrome_pages) and chrome_pages >= 0)
    _check(pages_ok, "--chrome-min-pages", ">= 0", chrome_pages)
    share_ok = chrome_share is None or (_number(chrome_share) and 0 < chrome_share <= 1)
    _check(share_ok, "--chrome-min-share", "in (0, 1]", chrome_share)
    repeated = get("chrome_repeated_share")
    repeated_ok = repeated is None or (_number(repeated) and 0 < repeated <= 1)
    _check(repeated_ok, "--chrome-repeated-share", "in (0, 1]", repeated)
    days_ok = lookback is None or (_number(lookback) and lookback >= 0)
    _check(days_ok, "--lookback-days", ">= 0", lookback)
    runner = get("runner")
    _check(
        runner is None or runner.lower() in RUNNERS or runner.endswith("Runner") or "." in runner,
        "--runner",
        "local, portable, dataflow, flink, spark or a Beam runner class name",
        runner,
    )
    json_field_pairs(get("json_field_names"))


def unknown_flags(beam_args: Sequence[str]) -> list[str]:
    """The flags in beam_args that neither wirestory nor any Beam option knows."""
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser
    from wirestory.pipeline.options import WirestoryOptions  # registers our flags too

    parser = _BeamArgumentParser(allow_abbrev=False)
    seen: dict[str, type] = {}
    for cls in [*PipelineOptions.__subclasses__(), WirestoryOptions]:
        seen.setdefault(str(cls), cls)
    for cls in seen.values():
        cls._add_argparse_args(parser)
    _, unknown = parser.parse_known_args(list(beam_args))
    return [arg for arg in unknown if arg.startswith("-")]


def check_known(beam_args: Sequence[str], known: Sequence[str] = ()) -> None:
    """Raises UsageError naming the first unknown flag (and the closest known one)."""
    unknown = unknown_flags(beam_args)
    if not unknown:
        return
    name = unknown[0].split("=", 1)[0]
    wirestory_names = [*known, *(f"--{n.replace('_', '-')}" for n in DEFAULTS)]
    close = difflib.get_close_matches(name, [*wirestory_names, "--input", "--output"], n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UsageError(f"unknown option {name}{hint}; see --help")
