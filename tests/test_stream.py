"""`wirestory stream` on Beam's TestStream (BundleBasedDirectRunner in streaming mode).

Messages are JSON articles with small texts; windows are 60 s of event time. Each test checks
the committed Delta tables, so extraction, state, windowed files and commits are all exercised.
"""

from __future__ import annotations

import datetime
import json
import random
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import apache_beam as beam
import polars as pl
import pytest
from apache_beam.io.gcp.pubsub import PubsubMessage
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.direct.direct_runner import BundleBasedDirectRunner
from apache_beam.testing.test_stream import TestStream as BeamTestStream
from apache_beam.utils.timestamp import Timestamp
from deltalake import DeltaTable
from wirestory.pipeline import cli
from wirestory.pipeline.ingest import open_dataset
from wirestory.pipeline.options import WirestoryOptions
from wirestory.pipeline.stream import StreamContext, build_stream_pipeline
from wirestory.transforms.stream_seed import IndexSnapshot

WINDOW = 60
# A window boundary a day ago: a late message is re-timestamped to now, within the lookback.
T0 = int(time.time()) - 86400 - int(time.time()) % WINDOW
DAY = 86400
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


def _record(item: tuple[int, tuple[str, tuple[str, str], Any]], path: str) -> None:
    """One line per element reaching StoryMap's key: [key, new label, [ref kind, ref]]."""
    key, (label, ref, _) = item
    with open(path, "a") as handle:
        handle.write(json.dumps([key, label, list(ref)]) + "\n")


def run_stream(
    dataset: Path, arrivals: list[Arrival], extra: list[str] = (), story_inputs: Path | None = None
) -> dict[str, Any]:
    """Runs the stream graph on `arrivals` (watermark advanced past each arrival's window
    before a later window's arrivals, like Pub/Sub's publish-time watermark); with
    `story_inputs`, appends to that file every element that reaches StoryMap's key."""
    args = ["--streaming", "--dataset", str(dataset), *extra]
    options = PipelineOptions(args)
    options.view_as(StandardOptions).streaming = True
    wirestory = options.view_as(WirestoryOptions)
    data = open_dataset(str(dataset), wirestory)
    ctx = StreamContext(
        root=data.root,
        subscription="projects/p/subscriptions/s",
        params=data.config.params(),
        buckets=data.config.buckets,
        window_seconds=WINDOW,
        lookback_days=wirestory.lookback_days,
        start_date=datetime.datetime.fromtimestamp(T0, datetime.timezone.utc).date(),
        snapshot=IndexSnapshot(
            data.config.buckets, data.bucket_files("bands"), data.bucket_files("documents")
        ),
        start_index=T0 // WINDOW,
    )
    stream = BeamTestStream(coder=beam.coders.PickleCoder())
    for offset, item in arrivals:
        if offset < 0:  # a watermark step: advance to T0 - offset... see `watermark`
            stream = stream.advance_watermark_to(Timestamp(T0 - offset))
            continue
        stream = stream.add_elements([beam.window.TimestampedValue(item, T0 + offset)])
    stream = stream.advance_watermark_to_infinity()
    with beam.Pipeline(runner=BundleBasedDirectRunner(), options=options) as pipeline:
        outputs = build_stream_pipeline(pipeline | stream, wirestory, ctx)
        if story_inputs is not None:
            _ = outputs["story_inputs"] | "RecordStoryInputs" >> beam.Map(
                _record, str(story_inputs)
            )
    return {name: table(dataset, name) for name in ("articles", "stories", "rejects", "documents")}


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


def test_a_catch_up_closing_five_windows_at_once_commits_them_all(tmp_path: Path) -> None:
    """Arrivals in five windows and a single watermark step at the end (a job starting on a
    backlog): every window is grouped against the earlier ones and committed, in order."""
    a, b = story_text(1), story_text(2)
    arrivals = [
        (1, message(a, "https://x.test/a1", "m1")),
        (2, message(b, "https://x.test/b1", "m2")),
        (WINDOW + 5, message(copy_of(a, 7), "https://y.test/a2", "m3")),
        (2 * WINDOW + 1, message(copy_of(a, 8), "https://z.test/a3", "m4")),
        (3 * WINDOW + 2, message(copy_of(b, 9), "https://z.test/b2", "m5")),
        (4 * WINDOW + 2, message(copy_of(b, 10), "https://z.test/b3", "m6")),
    ]
    out = run_stream(tmp_path / "ds", arrivals)
    stories = story_by_url(out["articles"])
    assert len(stories) == 6
    assert {stories[u] for u in ("https://y.test/a2", "https://z.test/a3")} == {
        stories["https://x.test/a1"]
    }
    assert {stories[u] for u in ("https://z.test/b2", "https://z.test/b3")} == {
        stories["https://x.test/b1"]
    }
    assert sorted(out["documents"]["batch"].unique().to_list()) == [
        (T0 // WINDOW + 1 + k) * WINDOW for k in range(5)
    ]


def test_duplicates_and_redelivery_make_one_article(tmp_path: Path) -> None:
    a, b = story_text(11), story_text(12)
    first = message(a, "https://x.test/a", "m1")
    arrivals = [
        (1, first),
        (2, first),  # redelivered in the same window
        (3, message(a, "https://x.test/a", "m2")),  # republished: same url and text
        (4, message(a, "https://mirror.test/a", "m3")),  # same text, another url: an article
        (5, message(b, "https://x.test/b", "m4")),
        watermark(2 * WINDOW),
        (2 * WINDOW + 1, first),  # redelivered windows later
        (2 * WINDOW + 2, message(b, "https://x.test/b", "m5")),
    ]
    out = run_stream(tmp_path / "ds", arrivals)
    articles = out["articles"]
    assert sorted(articles["url"].to_list()) == [
        "https://mirror.test/a",
        "https://x.test/a",
        "https://x.test/b",
    ]
    assert articles["doc_id"].n_unique() == 3
    # Of the copies in one window, the first by source URI is kept, whatever the delivery order.
    sources = dict(zip(articles["url"], articles["source_uri"], strict=True))
    assert sources["https://x.test/a"].endswith("/m1")
    stories = story_by_url(articles)
    assert stories["https://mirror.test/a"] == stories["https://x.test/a"]
    assert out["documents"].height == 3
    assert out["rejects"].height == 0


def test_late_message_joins_the_next_open_window(tmp_path: Path) -> None:
    a = story_text(21)
    arrivals = [
        (1, message(a, "https://x.test/a1", "m1")),
        watermark(3 * WINDOW),
        # Published (event time) in window 0, delivered after the watermark passed it.
        (5, message(copy_of(a, 3), "https://y.test/a2", "m2")),
        (3 * WINDOW + 1, message(story_text(22), "https://x.test/other", "m3")),
    ]
    out = run_stream(tmp_path / "ds", arrivals)
    stories = story_by_url(out["articles"])
    assert set(stories) == {"https://x.test/a1", "https://y.test/a2", "https://x.test/other"}
    assert stories["https://y.test/a2"] == stories["https://x.test/a1"]
    # It was committed with a later window than the one it was published in.
    batches = dict(zip(out["documents"]["doc_id"], out["documents"]["batch"], strict=True))
    ids = dict(zip(out["articles"]["url"], out["articles"]["doc_id"], strict=True))
    assert batches[ids["https://y.test/a2"]] > batches[ids["https://x.test/other"]]


def test_state_expires_after_the_lookback(tmp_path: Path) -> None:
    a = story_text(31)
    arrivals = [
        (1, message(a, "https://x.test/a1", "m1")),
        watermark(DAY // 2),
        (DAY // 2, message(copy_of(a, 1), "https://y.test/a2", "m2")),
        watermark(DAY // 2 + 3 * DAY),
        # Two days after the last copy, with --lookback-days 1: the index has forgotten both.
        (DAY // 2 + 3 * DAY, message(copy_of(a, 2), "https://z.test/a3", "m3")),
    ]
    out = run_stream(tmp_path / "ds", arrivals, ["--lookback-days", "1"])
    stories = story_by_url(out["articles"])
    assert stories["https://y.test/a2"] == stories["https://x.test/a1"]
    assert stories["https://z.test/a3"] != stories["https://x.test/a1"]
    assert (
        stories["https://z.test/a3"]
        == "st_"
        + dict(zip(out["articles"]["url"], out["articles"]["doc_id"], strict=True))[
            "https://z.test/a3"
        ]
    )


def test_bad_messages_are_rejects(tmp_path: Path) -> None:
    gcs = {"eventType": "OBJECT_FINALIZE", "bucketId": "b"}  # no objectId
    arrivals = [
        (1, PubsubMessage(b"{not json", {}, message_id="bad1")),
        (2, PubsubMessage(json.dumps({"text": "  "}).encode(), {}, message_id="bad2")),
        (3, PubsubMessage(json.dumps([1, 2]).encode(), {}, message_id="bad3")),
        (4, PubsubMessage(b"", gcs, message_id="bad4")),
        (5, PubsubMessage(b"", {"eventType": "OBJECT_DELETE"}, message_id="ignored")),
        (6, message(story_text(41), "https://x.test/ok", "ok")),
    ]
    out = run_stream(tmp_path / "ds", arrivals)
    assert out["articles"]["url"].to_list() == ["https://x.test/ok"]
    reasons = dict(zip(out["rejects"]["source_uri"], out["rejects"]["reason"], strict=True))
    sub = "pubsub://projects/p/subscriptions/s"
    assert reasons == {
        f"{sub}/bad1": "malformed_record",
        f"{sub}/bad2": "empty",
        f"{sub}/bad3": "malformed_record",
        f"{sub}/bad4": "malformed_record",
    }


def test_same_stories_as_ingest_with_one_batch_per_window(tmp_path: Path) -> None:
    a, b, c = story_text(51, 200), story_text(52), story_text(53)
    brief = " ".join(a.split()[:110])  # a shorter copy: joins by containment
    windows = [
        [("https://x.test/a1", a), ("https://x.test/b1", b)],
        [
            ("https://y.test/a2", copy_of(a, 1)),
            ("https://y.test/brief", brief),
            ("https://y.test/c1", c),
            ("https://z.test/c2", copy_of(c, 2)),
        ],
        [("https://z.test/a3", copy_of(a, 3, 12)), ("https://z.test/b2", copy_of(b, 4))],
    ]
    published = "2024-05-02"
    arrivals: list[Arrival] = []
    for number, docs in enumerate(windows):
        if number:
            arrivals.append(watermark(number * WINDOW))
        for slot, (url, text) in enumerate(docs):
            item = message(text, url, f"m{number}-{slot}", published=published)
            arrivals.append((number * WINDOW + slot + 1, item))
    streamed = run_stream(tmp_path / "stream", arrivals)
    dataset = tmp_path / "ingest"
    for number, docs in enumerate(windows):
        folder = tmp_path / f"window{number}"
        folder.mkdir()
        lines = [
            json.dumps({"text": t, "url": u, "title": u.rsplit("/", 1)[-1], "published": published})
            for u, t in docs
        ]
        (folder / "batch.jsonl").write_text("\n".join(lines) + "\n")
        assert cli.main(["ingest", str(folder), "--dataset", str(dataset), "--quiet"]) == 0
    ingested = {name: table(dataset, name) for name in ("articles", "stories")}

    columns = ["doc_id", "url", "story_id", "is_canonical", "similarity"]
    got, want = (t["articles"].select(columns).sort("doc_id") for t in (streamed, ingested))
    assert got.height == 8
    assert got.to_dicts() == want.to_dicts()
    story_columns = ["story_id", "size", "canonical_doc_id", "doc_ids"]
    got, want = (t["stories"].select(story_columns).sort("story_id") for t in (streamed, ingested))
    assert got.to_dicts() == want.to_dicts()
    stories = story_by_url(streamed["articles"])
    assert len(set(stories.values())) == 3  # a (4 copies), b (2), c (2)
    assert stories["https://y.test/brief"] == stories["https://x.test/a1"]
    assert stories["https://z.test/c2"] == stories["https://y.test/c1"]


def test_story_map_receives_only_matched_group_pairs(tmp_path: Path) -> None:
    """Six unrelated stories in window 0; in window 1 six more, two copies of story 0 (one
    group), one copy of story 1 and a drifted copy of story 2; in window 2 a copy of that
    drifted copy, too far from story 2 to match it. The single StoryMap key receives one element
    per (new group, old group) pair with a verified match: 3 then 1, not one per document, edge
    or match. The last copy gets story 2's id only through StoryMap's record of the group it
    matched (its label joined story 2)."""
    from wirestory.transforms.signatures import shingles

    texts = [story_text(90 + i) for i in range(6)]
    drifted = copy_of(texts[2], 5, 20)
    again = copy_of(drifted, 6, 20)

    def overlap(x: str, y: str) -> tuple[float, float]:
        a, b = set(shingles(x, 3)), set(shingles(y, 3))
        return len(a & b) / len(a | b), len(a & b) / min(len(a), len(b))

    # Default thresholds: Jaccard edge 0.4, containment 0.5.
    assert overlap(drifted, texts[2])[0] >= 0.4 and overlap(again, drifted)[0] >= 0.4
    assert max(overlap(again, texts[2])) < 0.5 and overlap(again, texts[2])[0] < 0.4
    arrivals: list[Arrival] = [
        (1 + i, message(text, f"https://x.test/s{i}", f"a{i}")) for i, text in enumerate(texts)
    ]
    arrivals.append(watermark(WINDOW + 1))
    later = [(f"https://y.test/n{i}", story_text(190 + i)) for i in range(6)]
    later += [
        ("https://y.test/s0a", copy_of(texts[0], 1)),
        ("https://y.test/s0b", copy_of(texts[0], 2)),
        ("https://y.test/s1", copy_of(texts[1], 3)),
        ("https://y.test/s2", drifted),
    ]
    arrivals += [(WINDOW + 2 + i, message(t, u, f"b{i}")) for i, (u, t) in enumerate(later)]
    arrivals += [
        watermark(2 * WINDOW + 1),
        (2 * WINDOW + 2, message(again, "https://z.test/s2", "c")),
    ]
    recorded = tmp_path / "story_inputs.txt"
    out = run_stream(tmp_path / "ds", arrivals, story_inputs=recorded)
    articles = out["articles"]
    stories = story_by_url(articles)
    ids = dict(zip(articles["url"], articles["doc_id"], strict=True))
    assert len(stories) == 17
    for url in ("https://y.test/s0a", "https://y.test/s0b"):
        assert stories[url] == stories["https://x.test/s0"] == "st_" + ids["https://x.test/s0"]
    assert stories["https://y.test/s1"] == stories["https://x.test/s1"]
    for i in range(6):
        assert stories[f"https://y.test/n{i}"] == "st_" + ids[f"https://y.test/n{i}"]
    story_2 = "st_" + ids["https://x.test/s2"]
    assert stories["https://y.test/s2"] == stories["https://z.test/s2"] == story_2
    matched = dict(zip(articles["url"], articles["matched_doc_id"], strict=True))
    assert matched["https://z.test/s2"] == ids["https://y.test/s2"]
    # What reached the single key: (new group's label, old ref) once per pair, nothing else.
    received = [json.loads(line) for line in recorded.read_text().splitlines()]
    assert all(key == 0 for key, _, _ in received)
    pairs = sorted((label, tuple(ref)) for _, label, ref in received)
    s0_group = min(ids["https://y.test/s0a"], ids["https://y.test/s0b"])
    first = T0 // WINDOW  # the window index of the first arrivals; refs name their window
    assert pairs == sorted(
        [
            (s0_group, ("label", ids["https://x.test/s0"], first)),
            (ids["https://y.test/s1"], ("label", ids["https://x.test/s1"], first)),
            (ids["https://y.test/s2"], ("label", ids["https://x.test/s2"], first)),
            (ids["https://z.test/s2"], ("label", ids["https://y.test/s2"], first + 1)),
        ]
    )


def _record_label(item: tuple[str, str], path: str, window: Any = beam.DoFn.WindowParam) -> None:
    with open(path, "a") as handle:
        handle.write(json.dumps([int(window.start), *item]) + "\n")


@pytest.mark.parametrize("rounds", [1, 12])
def test_window_grouping_is_per_window_and_fails_loudly(tmp_path: Path, rounds: int) -> None:
    """The window's connected components (the grouping's, `--cc-rounds`) in event-time windows:
    labels per window (a node in two windows gets each window's label), and too few rounds fail
    the pipeline instead of writing wrong groups. Bundle contraction is off so the rounds carry
    the graph (locally it would solve these chains before any round)."""
    from apache_beam.transforms.window import FixedWindows
    from wirestory.transforms.components import ConnectedComponents

    chain = [f"n{i:04d}" for i in range(600)]  # increasing: needs about 10 rounds
    edges = [(T0 + 1, (a, b)) for a, b in pairwise(chain)]
    edges += [(T0 + WINDOW + 1, ("n0001", "m0000")), (T0 + WINDOW + 2, ("n0002", "n0001"))]
    stream = BeamTestStream().add_elements(
        [beam.window.TimestampedValue(edge, at) for at, edge in edges]
    )
    stream = stream.advance_watermark_to_infinity()
    recorded = tmp_path / "labels.txt"
    options = PipelineOptions(["--streaming"])

    def run() -> None:
        with beam.Pipeline(runner=BundleBasedDirectRunner(), options=options) as pipeline:
            _ = (
                pipeline
                | stream
                | beam.WindowInto(FixedWindows(WINDOW))
                | ConnectedComponents(rounds, contract_bundles=False)
                | beam.Map(_record_label, str(recorded))
            )

    if rounds == 1:
        with pytest.raises(Exception, match="did not converge after 1 rounds"):
            run()
        return
    run()
    labels = [json.loads(line) for line in recorded.read_text().splitlines()]
    first = {node: label for start, node, label in labels if start == T0}
    second = {node: label for start, node, label in labels if start == T0 + WINDOW}
    assert first == dict.fromkeys(chain, "n0000")
    assert second == dict.fromkeys(("m0000", "n0001", "n0002"), "m0000")


SUBSCRIPTION = "projects/wirestory-test/subscriptions/articles"


def test_dataflow_streaming_job_holds_every_step(tmp_path: Path) -> None:
    pytest.importorskip("apitools", reason="needs pip install -e '.[gcp]'")
    from apache_beam.portability.api import beam_runner_api_pb2
    from wirestory.pipeline.stream import STATEFUL_STEPS
    from wirestory.pipeline.stream_command import build_stream
    from wirestory.runners import dataflow_launch

    staging, template = tmp_path / "df" / "staging", tmp_path / "job.json"
    argv = [
        "--runner=DataflowRunner",
        "--project=wirestory-test",
        "--region=europe-west1",
        f"--temp_location={tmp_path / 'df' / 'tmp'}",
        f"--staging_location={staging}",
        f"--template_location={template}",
        "--no_auth",
        "--dataflow_endpoint=http://localhost:9",
        "--streaming",
        f"--input_subscription={SUBSCRIPTION}",
        f"--dataset={tmp_path / 'ds'}",
        "--window-seconds=30",
    ]
    assert dataflow_launch.main(argv) == 0
    job = json.loads(template.read_text())
    assert job["type"] == "JOB_TYPE_STREAMING"
    options = job["environment"]["sdkPipelineOptions"]["options"]
    assert options["input_subscription"] == SUBSCRIPTION
    assert options["window_seconds"] == 30
    pipeline_pb = beam_runner_api_pb2.Pipeline()
    pipeline_pb.ParseFromString((staging / "pipeline.pb").read_bytes())
    transforms = pipeline_pb.components.transforms
    names = {t.unique_name for t in transforms.values()}

    # The same graph built for the local streaming runner (never run): every top-level step
    # of ours is in the Dataflow job, under the same name.
    local = beam.Pipeline(
        runner=BundleBasedDirectRunner(),
        options=PipelineOptions(
            ["--streaming", f"--input_subscription={SUBSCRIPTION}", f"--dataset={tmp_path / 'ds'}"]
        ),
    )
    build_stream(local, local.options)
    tops = {
        t.unique_name.split("/")[0] for t in local.to_runner_api().components.transforms.values()
    }
    assert {"ReadPubSub", "BandIndex", "StoryMap", "CommitWindow"} <= tops
    assert tops <= {name.split("/")[0] for name in names}
    urns = {t.spec.urn for t in transforms.values()}
    assert "beam:transform:pubsub_read:v1" in urns
    # The keyed-state steps carry their state and timers into the job.
    stateful = {}
    for t in transforms.values():
        if (
            t.spec.urn == "beam:transform:pardo:v1"
            and t.unique_name.split("/")[0] in STATEFUL_STEPS
        ):
            payload = beam_runner_api_pb2.ParDoPayload.FromString(t.spec.payload)
            stateful[t.unique_name.split("/")[0]] = (
                set(payload.state_specs),
                set(payload.timer_family_specs),
            )
    assert stateful["Dedup"] == ({"seen"}, {"ts-expire"})
    assert stateful["BandIndex"] == ({"entries", "seeded", "passed"}, {"ts-expire", "ts-passing"})
    # StoryMap holds label -> story of the groups that joined history (no longer every doc),
    # the windows it decided, and windows waiting for an earlier one (a catch-up).
    assert stateful["StoryMap"] == (
        {"joined", "done", "waiting", "passed"},
        {"ts-expire", "ts-passing"},
    )
    # The commit holds a window until the watermark passes it, so windows commit in order.
    assert stateful["CommitWindow"] == ({"waiting"}, {"ts-due"})


def test_stream_command_checks_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["stream", "--dataset", "/tmp/never-made", "--quiet"]) == 2
    assert "--input_subscription must be projects/P/subscriptions/S" in capsys.readouterr().err
    assert (
        cli.main(
            ["stream", f"--input_subscription={SUBSCRIPTION}", "--window-seconds=0", "--quiet"]
        )
        == 2
    )


def test_a_local_stream_without_google_credentials_is_one_line_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The local runner reads Pub/Sub with the machine's credentials. Without them, the command
    says so in one line before it starts (Beam retried, printed tracebacks, then failed)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    def no_credentials(*args: Any, **kwargs: Any) -> Any:
        raise DefaultCredentialsError("Your default credentials were not found.")

    monkeypatch.setattr(google.auth, "default", no_credentials)
    dataset = tmp_path / "ds"
    argv = ["stream", f"--input_subscription={SUBSCRIPTION}", "--dataset", str(dataset)]
    assert cli.main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "reading Pub/Sub needs Google credentials" in err[0]
    assert not dataset.exists()


def test_gcs_notification_reads_the_object_it_names() -> None:
    from wirestory.pipeline.options import WirestoryOptions as Options
    from wirestory.transforms.messages import IGNORED, ParseMessageFn
    from wirestory.transforms.records import RawDocument

    wirestory = PipelineOptions([]).view_as(Options)
    parse = ParseMessageFn(SUBSCRIPTION, wirestory.read_limits(), wirestory.json_fields())
    parse.setup()
    seen = []

    def fake_read(metadata: Any) -> Any:  # no GCS here: record what would be read
        seen.append((metadata.path, metadata.size_in_bytes))
        yield RawDocument(metadata.path, "html", "<p>x</p>")

    parse._reader.process = fake_read  # type: ignore[method-assign]
    attributes = {"eventType": "OBJECT_FINALIZE", "bucketId": "news", "objectId": "in/a b.html"}
    finalize = PubsubMessage(json.dumps({"size": "1234"}).encode(), attributes, message_id="1")
    (doc,) = list(parse.process(finalize))
    assert doc.source_uri == "gs://news/in/a b.html"
    assert seen == [("gs://news/in/a b.html", 1234)]
    delete = PubsubMessage(b"{}", {**attributes, "eventType": "OBJECT_DELETE"}, message_id="2")
    (ignored,) = list(parse.process(delete))
    assert ignored.tag == IGNORED and ignored.value == "OBJECT_DELETE"


def test_stream_continues_a_dataset_built_by_ingest(tmp_path: Path) -> None:
    a, b = story_text(61, 200), story_text(62)
    published = "2024-05-02"

    def record(url: str, text: str) -> dict[str, str]:
        return {"text": text, "url": url, "title": url.rsplit("/", 1)[-1], "published": published}

    first = [record("https://x.test/a1", a), record("https://x.test/b1", b)]
    later = [record("https://y.test/a2", copy_of(a, 1)), record("https://y.test/c", story_text(63))]
    folders = []
    for number, records in enumerate((first, later)):
        folder = tmp_path / f"batch{number}"
        folder.mkdir()
        (folder / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        folders.append(folder)
    both, dataset = tmp_path / "both", tmp_path / "continued"
    for folder in folders:
        assert cli.main(["ingest", str(folder), "--dataset", str(both), "--quiet"]) == 0
    assert cli.main(["ingest", str(folders[0]), "--dataset", str(dataset), "--quiet"]) == 0

    def published_message(item: dict[str, str], mid: str) -> PubsubMessage:
        return PubsubMessage(json.dumps(item).encode(), {}, message_id=mid)

    arrivals = [
        (1, published_message(later[0], "m1")),
        (2, published_message(later[1], "m2")),
        (3, published_message(first[0], "m3")),  # already in the dataset: not a second article
    ]
    streamed = run_stream(dataset, arrivals)
    columns = ["doc_id", "url", "story_id", "is_canonical", "similarity"]
    got = streamed["articles"].select(columns).sort("doc_id").to_dicts()
    want = table(both, "articles").select(columns).sort("doc_id").to_dicts()
    assert len(got) == 4
    assert got == want
    stories = story_by_url(streamed["articles"])
    assert stories["https://y.test/a2"] == stories["https://x.test/a1"]
    sizes = table(dataset, "stories").select("story_id", "size").sort("story_id").to_dicts()
    assert sizes == table(both, "stories").select("story_id", "size").sort("story_id").to_dicts()


def test_a_retried_window_commit_adds_nothing(tmp_path: Path) -> None:
    import pyarrow as pa
    from wirestory.pipeline.dataset import Dataset
    from wirestory.pipeline.stream_commit import CommitWindowFn

    dataset = tmp_path / "ds"
    a = story_text(71)
    arrivals = [
        (1, message(a, "https://x.test/a1", "m1")),
        (2, message(copy_of(a, 5), "https://y.test/a2", "m2")),
    ]
    run_stream(dataset, arrivals)
    data = Dataset.open(str(dataset))
    tables = ("articles", "documents", "bands")
    versions, counts = {name: data.table(name).version() for name in tables}, data.counts()
    # The window's files, as its write steps reported them, committed a second time (a retry).
    written = []
    for name in tables:
        actions = pa.table(data.table(name).get_add_actions(flatten=True)).to_pylist()
        for action in actions:
            bucket = action.get("partition.bucket")
            info = {"table": name, "path": action["path"], "size": action["size_bytes"]}
            info["rows"] = action["num_records"]
            info["partition"] = {} if bucket is None else {"bucket": str(bucket)}
            written.append(("written", info))
    assert len(written) >= 3
    commit = CommitWindowFn(str(dataset), WINDOW)
    commit.setup()
    manifest = commit.commit(T0 // WINDOW, written)
    assert manifest["window_end"] == T0 + WINDOW
    expected = {"rejects": 0, "articles": 0, "bands": 0, "chrome": 0, "documents": 0}
    assert manifest["committed"] == expected
    assert data.counts() == counts
    assert {name: data.table(name).version() for name in tables} == versions


def test_a_window_commit_waits_for_an_ingest_holding_the_dataset(tmp_path: Path) -> None:
    import threading

    from wirestory.pipeline.dataset import Dataset, DatasetBusy
    from wirestory.pipeline.stream_commit import CommitWindowFn

    dataset = tmp_path / "ds"
    run_stream(dataset, [(1, message(story_text(81), "https://x.test/a1", "m1"))])
    data = Dataset.open(str(dataset))
    window_index = T0 // WINDOW + 1
    manifest = f"{data.root}/_wirestory/batches/{T0 + 2 * WINDOW:08d}.json"
    # An ingest holds the dataset for longer than the commit may wait: the commit fails (the
    # runner retries it) and writes nothing.
    impatient = CommitWindowFn(str(dataset), WINDOW, lock_wait=0.5)
    impatient.setup()
    with data.lock(), pytest.raises(DatasetBusy):
        impatient.commit(window_index, [])
    assert not Path(manifest).exists()
    # An ingest that finishes within the wait: the commit goes through after it, not before.
    holding, marks = threading.Event(), []

    def ingest() -> None:
        with Dataset.open(str(dataset)).lock():
            holding.set()
            time.sleep(1.0)
            marks.append(time.monotonic())

    holder = threading.Thread(target=ingest)
    holder.start()
    holding.wait(10)
    patient = CommitWindowFn(str(dataset), WINDOW, lock_wait=30)
    patient.setup()
    done = patient.commit(window_index, [])
    finished = time.monotonic()
    holder.join()
    assert done["window_end"] == T0 + 2 * WINDOW and Path(manifest).exists()
    assert finished > marks[0]
