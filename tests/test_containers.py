"""Containers: WARC and JSON Lines split into records, damage is a reject, the rest goes on."""

from __future__ import annotations

import io
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to
from wirestory.transforms.containers import (
    REJECTS,
    SKIPPED,
    JsonFields,
    ReadContainers,
    WarcPointer,
    index_warc,
    iter_lines,
)
from wirestory.transforms.read import ReadLimits
from wirestory.transforms.records import RejectRecord

from tests.conftest import local_pipeline
from tests.crawl_fixtures import write_jsonl, write_warc

LIMITS = ReadLimits()


@pytest.mark.parametrize("gzipped", [True, False])
def test_warc_index_finds_html_responses_and_skips_the_rest(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    offsets = write_warc(path, gzipped)
    items = list(index_warc(str(path)))
    assert [i.offset for i in items if isinstance(i, WarcPointer)] == offsets
    skipped = sorted(i[1] for i in items if isinstance(i, tuple))
    assert skipped == ["warc_non_200", "warc_non_html", "warc_request", "warc_warcinfo"]


def test_corrupt_warc_record_is_one_reject_and_scanning_resumes(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, gzipped=True, corrupt_index=1)
    items = list(index_warc(str(path)))
    found = [i.offset for i in items if isinstance(i, WarcPointer)]
    rejects = [i for i in items if isinstance(i, RejectRecord)]
    assert found == [offsets[0], offsets[2], offsets[3]]
    assert [r.source_uri for r in rejects] == [f"{path}#{offsets[1]}"]
    assert rejects[0].reason.value == "malformed_record"


def test_iter_lines_numbers_lines_and_flags_long_ones() -> None:
    data = b"a\n" + b"x" * 50 + b"\n\nlast"
    assert list(iter_lines(io.BytesIO(data), 10)) == [(1, b"a"), (2, None), (3, b""), (4, b"last")]


def test_read_containers_transform(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    offsets = write_warc(warc, gzipped=True)
    jsonl = tmp_path / "feed.jsonl.gz"
    write_jsonl(jsonl, broken_line=3)
    with local_pipeline() as p:
        out = p | beam.Create([str(warc), str(jsonl)]) | ReadContainers(LIMITS, JsonFields())
        docs = out["docs"] | beam.Map(
            lambda d: (
                d.source_uri,
                d.kind,
                d.url,
                d.title,
                str(d.published),
                "Barrier" in d.content or "Новости" in d.content or "river" in d.content,
            )
        )
        reasons = out[REJECTS] | beam.Map(lambda r: (r.source_uri, r.reason.value))
        expected_docs = [
            (f"{warc}#{offsets[0]}", "html", "https://news.example/0", None, "None", True),
            (f"{warc}#{offsets[1]}", "html", "https://news.example/1", None, "None", True),
            (f"{warc}#{offsets[2]}", "html", "https://news.example/2", None, "None", True),
            (f"{warc}#{offsets[3]}", "html", "https://news.example/3", None, "None", True),
            (f"{jsonl}#1", "html", "https://j.example/a", None, "None", True),
            (f"{jsonl}#2", "clean", None, "Plain record B", "2024-10-24", True),
        ]
        assert_that(docs, equal_to(expected_docs), label="docs")
        assert_that(
            reasons,
            equal_to(
                [
                    (f"{jsonl}#3", "malformed_record"),
                    (f"{jsonl}#4", "empty"),
                    (f"{jsonl}#5", "malformed_record"),
                ]
            ),
            label="rejects",
        )
        assert_that(out[SKIPPED] | beam.combiners.Count.Globally(), equal_to([4]), label="skips")


def test_windows_1251_record_is_decoded_from_the_http_charset(tmp_path: Path) -> None:
    from wirestory.transforms.containers import read_warc_record

    warc = tmp_path / "crawl.warc"
    offsets = write_warc(warc, gzipped=False)
    pointer = next(
        i for i in index_warc(str(warc)) if isinstance(i, WarcPointer) and i.offset == offsets[2]
    )
    assert "Новости реки" in read_warc_record(pointer, LIMITS).content
