"""Reading: matching, size limits, gzip, decoding and reject reasons."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.util import assert_that, equal_to
from wirestory.schemas.models import RejectReason
from wirestory.transforms.read import (
    InputError,
    MatchInputs,
    ReadDocuments,
    ReadLimits,
    decode_bytes,
    document_kind,
    expand_input,
    gunzip_limited,
)

from tests.conftest import local_pipeline


def test_document_kind_from_suffix() -> None:
    assert document_kind("/a/b.HTML") == ("html", False)
    assert document_kind("gs://b/x.txt.gz") == ("text", True)
    assert document_kind("/a/b.pdf") == (None, False)


def test_gunzip_limits_and_errors() -> None:
    body = b"hello " * 1000
    assert gunzip_limited(gzip.compress(body), 10_000) == body
    assert gunzip_limited(gzip.compress(b"a") + gzip.compress(b"b"), 10) == b"ab"
    with pytest.raises(InputError) as bomb:
        gunzip_limited(gzip.compress(b"\0" * 5_000_000), 1_000_000)
    assert bomb.value.reason is RejectReason.TOO_LARGE
    with pytest.raises(InputError) as truncated:
        gunzip_limited(gzip.compress(body)[:-20], 10_000)
    assert truncated.value.reason is RejectReason.DECOMPRESS_ERROR
    with pytest.raises(InputError) as garbage:
        gunzip_limited(b"not gzip at all", 10_000)
    assert garbage.value.reason is RejectReason.DECOMPRESS_ERROR


def test_decode_by_bom_meta_and_fallback() -> None:
    text = "Новости дня: «Привет»"
    assert decode_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "text") == text
    meta = f'<meta charset="windows-1251"><p>{text}</p>'.encode("cp1251")
    assert text in decode_bytes(meta, "html")
    assert decode_bytes("café".encode(), "text") == "café"


def test_expand_input_recurses_into_directories(tmp_path: Path) -> None:
    assert expand_input(str(tmp_path)) == str(tmp_path / "**")
    assert expand_input(str(tmp_path / "*.html")) == str(tmp_path / "*.html")
    assert expand_input("relative.html") == str(Path.cwd() / "relative.html")
    assert expand_input("gs://bucket/prefix/") == "gs://bucket/prefix/**"


def test_read_documents_routes_every_file(tmp_path: Path) -> None:
    (tmp_path / "sub dir").mkdir()
    (tmp_path / "a.html").write_text("<html><p>Hello</p></html>", encoding="utf-8")
    (tmp_path / "sub dir" / "b é.txt.gz").write_bytes(gzip.compress(b"Plain text"))
    (tmp_path / "empty.txt").write_bytes(b"  \n ")
    (tmp_path / "big.html").write_bytes(b"x" * 2048)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "bad.html.gz").write_bytes(b"\x1f\x8b broken")
    limits = ReadLimits(max_file_bytes=1024, max_decompressed_bytes=4096)
    with local_pipeline() as p:
        files = p | MatchInputs([str(tmp_path), str(tmp_path / "*.html")])
        read = files | ReadDocuments(limits)
        docs = read.docs | beam.Map(lambda d: (Path(d.source_uri).name, d.kind, d.content))
        reasons = read.rejects | beam.Map(lambda r: (Path(r.source_uri).name, r.reason))
        assert_that(
            docs,
            equal_to(
                [
                    ("a.html", "html", "<html><p>Hello</p></html>"),
                    ("b é.txt.gz", "text", "Plain text"),
                ]
            ),
            label="docs",
        )
        assert_that(
            reasons,
            equal_to(
                [
                    ("empty.txt", RejectReason.EMPTY),
                    ("big.html", RejectReason.TOO_LARGE),
                    ("image.png", RejectReason.UNSUPPORTED_FORMAT),
                    ("bad.html.gz", RejectReason.DECOMPRESS_ERROR),
                ]
            ),
            label="rejects",
        )
