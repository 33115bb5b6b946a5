"""Containers: WARC and JSON Lines split into records, damage is a reject, the rest goes on."""

from __future__ import annotations

import gzip
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
from tests.crawl_fixtures import bomb_record, write_arc, write_jsonl, write_odd_warc, write_warc

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


def _scan(path: Path, limits: ReadLimits = LIMITS) -> tuple[list, list, list, int]:
    """Runs the container scan and record reading in-process: (docs, rejects, skips, units)."""
    from wirestory.transforms.containers import ReadRecordFn, ScanContainerFn

    docs, rejects, skips, units = [], [], [], 0
    for out in ScanContainerFn(limits).process(str(path)):
        tag = getattr(out, "tag", None)
        if tag == "units":
            units += out.value
        elif tag in (REJECTS, SKIPPED):
            (rejects if tag == REJECTS else skips).append(out.value)
        else:
            for rec in ReadRecordFn(limits, JsonFields()).process(out):
                if getattr(rec, "tag", None) == REJECTS:
                    rejects.append(rec.value)
                else:
                    docs.append(rec)
    return docs, rejects, skips, units


def test_a_deeply_nested_json_line_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_bytes(b"[" * 100_000 + b"\n" + b'{"text": "fine words"}\n')
    docs, rejects, _, units = _scan(path)
    assert [r.reason.value for r in rejects] == ["malformed_record"]
    assert "RecursionError" in rejects[0].detail
    assert len(docs) == 1 and units == 2


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.warc", b""),
        ("empty.warc.gz", b""),
        ("empty.jsonl.gz", b""),
        ("gzipped-nothing.jsonl.gz", gzip.compress(b"")),
        ("blank.jsonl", b"\n  \n\r\n\n"),
        ("empty.arc", b""),
    ],
)
def test_an_empty_container_is_one_empty_reject(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    docs, rejects, skips, units = _scan(path)
    assert [(r.source_uri, r.reason.value) for r in rejects] == [(str(path), "empty")]
    assert (docs, skips, units) == ([], [], 1)


def test_blank_lines_between_records_are_not_records(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'\n{"text": "one"}\n\n\n{"text": "two"}\n  \n')
    docs, rejects, _, units = _scan(path)
    assert [d.source_uri for d in docs] == [f"{path}#2", f"{path}#5"]
    assert (rejects, units) == ([], 2)


def test_a_gzipped_container_stream_is_capped(tmp_path: Path) -> None:
    limits = ReadLimits(max_file_bytes=1000, max_decompressed_bytes=10_000)
    lines = tmp_path / "bomb.jsonl.gz"
    lines.write_bytes(gzip.compress(b"{}\n" * 3_000_000))  # ~9 MB inflated from ~9 KB
    docs, rejects, _, units = _scan(lines, limits)
    assert rejects[-1].source_uri == str(lines) and rejects[-1].reason.value == "too_large"
    assert len(rejects) < 10_000 and units == len(docs) + len(rejects)
    warc = tmp_path / "big.warc.gz"
    write_warc(warc, gzipped=True)
    warc.write_bytes(warc.read_bytes() + bomb_record())
    docs, rejects, skips, units = _scan(warc, limits)
    assert [(r.source_uri, r.reason.value) for r in rejects] == [(str(warc), "too_large")]
    assert (len(docs), len(skips), units) == (4, 4, 9)


def test_a_warc_gzipped_as_one_stream_is_read_in_order(tmp_path: Path) -> None:
    plain = tmp_path / "plain.warc"
    write_warc(plain, gzipped=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    docs, rejects, skips, units = _scan(whole)
    assert rejects == []
    assert len(docs) == 4 and "Новости реки" in docs[2].content
    assert len({d.source_uri for d in docs}) == 4
    assert all(d.source_uri.startswith(f"{whole}#0+") for d in docs)
    assert sorted(skips) == ["warc_non_200", "warc_non_html", "warc_request", "warc_warcinfo"]
    assert units == 8


@pytest.mark.parametrize("name", ["crawl.arc", "crawl.arc.gz"])
def test_arc_files_are_read(tmp_path: Path, name: str) -> None:
    from wirestory.transforms.read import document_kind

    path = tmp_path / name
    write_arc(path, ["Arc story one", "Arc story two"])
    assert document_kind(str(path))[0] == "warc"
    docs, rejects, skips, units = _scan(path)
    assert rejects == [] and skips == ["warc_warcinfo"] and units == 3
    assert [d.url for d in docs] == ["https://arc.example/0", "https://arc.example/1"]
    assert "Arc story two" in docs[1].content and docs[1].fetched is not None


def test_html_resource_records_are_documents_and_untyped_records_are_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.warc"
    write_odd_warc(path)
    docs, rejects, skips, _ = _scan(path)
    assert [d.url for d in docs] == ["file:///page.html"] and rejects == []
    assert sorted(skips) == ["warc_non_html", "warc_untyped"]
