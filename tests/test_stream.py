"""`wirestory stream` on Beam's TestStream (BundleBasedDirectRunner in streaming mode).

Messages are JSON articles with small texts; windows are 60 s of event time. Each test checks
the committed Delta tables, so extraction, state, windowed files and commits are all exercised.
"""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path
from typing import Any

import apache_beam as beam
import polars as pl
import pytest
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_stream import TestStream
from apache_beam.utils.timestamp import Timestamp
from deltalake import DeltaTable
from wirestory.pipeline import cli
from wirestory.pipeline.ingest import open_dataset
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.stream import StreamContext, build_stream_pipeline

WINDOW = 60
T0 = 1_700_000_000 - 1_700_000_000 % WINDOW  # a window boundary
WORDS = [f"w{i}" for i in range(3000)]


def story_text(seed: int, words: int = 160) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + "."


def copy_of(text: str, seed: int, changes: int = 6) -> str:
    rng = random.Random(seed)
    tokens = text.split()
    for _ in range(changes):
        tokens[rng.randrange(len(tokens))] = rng.choice(WORDS)
    return " ".join(tokens)


def message(text: str, url: str, mid: str, **extra: Any) -> PubsubMessage:
    body = {"text": text, "url": url, "title": url.rsplit("/", 1)[-1], **extra}
    return PubsubMessage(json.dumps(body).encode(), {}, message_id=mid)


Arrival = tuple[float, PubsubMessage]  # (seconds after T0, message)


def run_stream(dataset: Path, arrivals: list[Arrival], extra: list[str] = ()) -> dict[str, Any]:
    """Runs the stream graph on `arrivals` (watermark advanced past each arrival's window
    before a later window's arrivals, like Pub/Sub's publish-time watermark)."""
    args = ["--streaming", "--dataset", str(dataset), *extra]
    options = PipelineOptions(args)
    options.view_as(StandardOptions).streaming = True
    wirestory = options.view_as(WirestoryOptions)
    data = open_dataset(str(dataset), wirestory)
    ctx = StreamContext(
        root=data.root,
        subscription="projects/p/subscriptions/s",
        params=wirestory.minhash_params_for(data.config),
        buckets=data.config.buckets,
        window_seconds=WINDOW,
        lookback_days=wirestory.lookback_days,
        start_date=datetime.date(2023, 11, 14),
    )
    stream = TestStream(coder=beam.coders.PickleCoder())
    for offset, item in arrivals:
        if offset < 0:  # a watermark step: advance to T0 - offset... see `watermark`
            stream = stream.advance_watermark_to(Timestamp(T0 - offset))
            continue
        stream = stream.add_elements([beam.window.TimestampedValue(item, T0 + offset)])
    stream = stream.advance_watermark_to_infinity()
    with beam.Pipeline(runner=BundleBasedDirectRunner(), options=options) as pipeline:
        build_stream_pipeline(pipeline | stream, wirestory, ctx)
    return {"articles": table(dataset, "articles"), "stories": table(dataset, "stories")}


def watermark(seconds: float) -> Arrival:
    return (-seconds, None)  # type: ignore[return-value]


def table(dataset: Path, name: str) -> pl.DataFrame:
    return pl.from_arrow(DeltaTable(str(dataset / name)).to_pyarrow_table())


def story_by_url(articles: pl.DataFrame) -> dict[str, str]:
    return dict(zip(articles["url"], articles["story_id"], strict=True))


def test_arrivals_across_windows_join_one_story(tmp_path: Path) -> None:
    a, b = story_text(1), story_text(2)
    arrivals = [
        (1, message(a, "https://x.test/a1", "m1")),
        (2, message(b, "https://x.test/b1", "m2")),
        watermark(WINDOW + 1),
        (WINDOW + 5, message(copy_of(a, 7), "https://y.test/a2", "m3")),
        watermark(3 * WINDOW),
        (3 * WINDOW + 1, message(copy_of(a, 8), "https://z.test/a3", "m4")),
        (3 * WINDOW + 2, message(copy_of(b, 9), "https://z.test/b2", "m5")),
    ]
    out = run_stream(tmp_path / "ds", arrivals)
    stories = story_by_url(out["articles"])
    assert len(stories) == 5
    assert stories["https://y.test/a2"] == stories["https://x.test/a1"]
    assert stories["https://z.test/a3"] == stories["https://x.test/a1"]
    assert stories["https://z.test/b2"] == stories["https://x.test/b1"]
    assert stories["https://x.test/a1"] != stories["https://x.test/b1"]
    assert sorted(out["stories"]["size"].to_list()) == [2, 3]
