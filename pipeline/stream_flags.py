"""The flags only `wirestory stream` has; no Beam import, so `wirestory --help` stays fast."""

from __future__ import annotations

from typing import Any

DEFAULT_WINDOW_SECONDS = 60
SUBSCRIPTION_HELP = (
    "Required: projects/P/subscriptions/S. Each message is a GCS notification (it has the "
    "attribute eventType; OBJECT_FINALIZE reads the object, one page per object) or one JSON "
    "article like a JSON Lines record."
)
WINDOW_HELP = (
    "Event-time window: the articles of one window are grouped like one ingest batch and "
    "committed together (default: %(default)s)."
)


def add_stream_flags(parser: Any) -> None:
    """The flags only `wirestory stream` has (argparse, or Beam's options parser)."""
    parser.add_argument("--input_subscription", "--input-subscription", help=SUBSCRIPTION_HELP)
    parser.add_argument(
        "--window_seconds",
        "--window-seconds",
        type=int,
        default=DEFAULT_WINDOW_SECONDS,
        metavar="SECONDS",
        help=WINDOW_HELP,
    )
