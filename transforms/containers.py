"""Step 1b: multi-record containers (WARC, JSON Lines) split into documents across workers.

A container is first scanned by one worker, which emits small pointers (WARC record offsets) or
chunks of lines (JSON Lines, whose gzip stream cannot be seeked); a Reshuffle then spreads them
so that extracting a 5 GB crawl is not one worker's job.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes, FileMetadata
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import RejectReason
from wirestory.transforms.read import (
    REJECTS,
    UNITS,
    GunzipStream,
    InputError,
    ReadLimits,
    document_kind,
    stream_limit,
)
from wirestory.transforms.records import RawDocument, RejectRecord
from wirestory.transforms.warc import WarcPointer, index_warc, read_warc_record

__all__ = ["SKIPPED", "JsonFields", "ReadContainers", "WarcPointer", "index_warc", "iter_lines"]
__all__ += ["read_warc_record"]

SKIPPED = "skipped"
_SCAN_BYTES = 1 << 20
_LINES_PER_CHUNK = 500
_CHUNK_BYTES = 16 << 20


@dataclass(frozen=True)
class JsonFields:
    """Field names of a JSON Lines article record."""

    html: str = "html"
    text: str = "text"
    url: str = "url"
    title: str = "title"
    published: str = "published"
    id: str = "id"


def iter_lines(handle: Any, max_line: int) -> Iterator[tuple[int, bytes | None]]:
    """(1-based line number, line) for a binary stream; None for a line over max_line bytes."""
    number, pending, too_long = 0, b"", False
    while True:
        chunk = handle.read(_SCAN_BYTES)
        if not chunk:
            break
        pieces = (pending + chunk).split(b"\n")
        pending = pieces.pop()
        for piece in pieces:
            number += 1
            yield number, None if too_long or len(piece) > max_line else piece
            too_long = False
        if len(pending) > max_line:
            too_long, pending = True, b""
    if pending or too_long:
        yield number + 1, None if too_long else pending


def _published(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    from dateutil import parser

    try:
        return parser.parse(value).date()
    except (ValueError, OverflowError):
        return None


def parse_json_line(
    uri: str, line: bytes, fields: JsonFields, limits: ReadLimits
) -> RawDocument | None:
    """One JSON Lines record as a RawDocument; None for a blank line."""
    if not line.strip():
        return None
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as err:  # RecursionError: deeply nested arrays
        detail = f"invalid JSON: {type(err).__name__}: {err}"[:500]
        raise InputError(RejectReason.MALFORMED_RECORD, detail) from err
    if not isinstance(item, dict):
        raise InputError(RejectReason.MALFORMED_RECORD, "a record must be a JSON object")
    html, text = item.get(fields.html), item.get(fields.text)
    body, kind = (html, "html") if isinstance(html, str) and html.strip() else (text, "clean")
    if not isinstance(body, str):
        detail = f"no string field {fields.html!r} or {fields.text!r}"
        raise InputError(RejectReason.MALFORMED_RECORD, detail)
    if not body.strip():
        raise InputError(RejectReason.EMPTY, "the record's text is empty")
    url, title = item.get(fields.url), item.get(fields.title)
    return RawDocument(
        source_uri=uri,
        kind=kind,
        content=body,
        url=url if isinstance(url, str) and url else None,
        title=title if isinstance(title, str) and title else None,
        published=_published(item.get(fields.published)),
    )


class ScanContainerFn(beam.DoFn):
    """Turns a container file into WARC pointers or chunks of JSON lines, plus rejects and skip
    reasons, and counts its input units (records, rejects, skips) on 'units'. A container with
    none is one `empty` reject, so no input vanishes."""

    def __init__(self, limits: ReadLimits) -> None:
        self._limits = limits

    def process(self, metadata: FileMetadata | str) -> Iterator[Any]:
        if isinstance(metadata, str):  # a bare path: look up its size
            metadata = FileSystems.match([metadata])[0].metadata_list[0]
        path, units = metadata.path, 0
        for kind, item in self._scan(metadata):
            units += len(item[1]) if kind == "lines" else 1
            if kind in (REJECTS, SKIPPED):
                yield beam.pvalue.TaggedOutput(kind, item)
            else:
                yield item
        if not units:
            units = 1
            empty = RejectRecord(path, "read", RejectReason.EMPTY, "the container holds no record")
            yield beam.pvalue.TaggedOutput(REJECTS, empty)
        yield beam.pvalue.TaggedOutput(UNITS, units)

    def _scan(self, metadata: FileMetadata) -> Iterator[tuple[str, Any]]:
        path = metadata.path
        kind, gzipped = document_kind(path)
        try:
            if kind == "warc":
                for item in index_warc(path, self._limits, metadata.size_in_bytes):
                    if isinstance(item, RejectRecord):
                        yield REJECTS, item
                    elif isinstance(item, tuple):
                        yield SKIPPED, item[1]
                    else:
                        yield "record", item
                return
            yield from self._json_lines(path, gzipped, metadata.size_in_bytes)
        except InputError as err:
            yield REJECTS, RejectRecord(path, "read", err.reason, str(err))
        except Exception as err:  # a damaged gzip stream mid-file, a vanished file, ...
            detail = f"container stopped being readable: {type(err).__name__}: {err}"[:500]
            reason = RejectReason.DECOMPRESS_ERROR if gzipped else RejectReason.UNREADABLE
            yield REJECTS, RejectRecord(path, "read", reason, detail)

    def _json_lines(self, path: str, gzipped: bool, size: int) -> Iterator[tuple[str, Any]]:
        # Our own inflater: Beam's GZIP stream ends quietly where a truncated file ends.
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as raw:
            handle = GunzipStream(raw, stream_limit(self._limits, size)) if gzipped else raw
            chunk: list[tuple[int, bytes | None]] = []
            held = 0
            for number, line in iter_lines(handle, self._limits.max_file_bytes):
                if line is not None and not line.strip():
                    continue  # a blank line is no record
                chunk.append((number, line))
                held += len(line or b"")
                # Bounded by lines and bytes, so one shuffled element stays small.
                if len(chunk) >= _LINES_PER_CHUNK or held >= _CHUNK_BYTES:
                    yield "lines", (path, chunk)
                    chunk, held = [], 0
            if chunk:
                yield "lines", (path, chunk)


class ReadRecordFn(beam.DoFn):
    """Reads one WARC pointer, or parses a chunk of JSON lines, into RawDocuments."""

    def __init__(self, limits: ReadLimits, fields: JsonFields) -> None:
        self._limits = limits
        self._fields = fields

    def process(self, item: Any) -> Iterator[Any]:
        if isinstance(item, RawDocument):  # read in the scan (a non-chunked gzip WARC)
            yield item
            return
        if isinstance(item, WarcPointer):
            yield from self._one(f"{item.path}#{item.offset}", read_warc_record, item, self._limits)
            return
        path, lines = item
        for number, line in lines:
            uri = f"{path}#{number}"
            if line is None:
                reject = RejectRecord(uri, "read", RejectReason.TOO_LARGE, "line exceeds the limit")
                yield beam.pvalue.TaggedOutput(REJECTS, reject)
            else:
                yield from self._one(uri, parse_json_line, uri, line, self._fields, self._limits)

    def _one(self, uri: str, read: Any, *args: Any) -> Iterator[Any]:
        try:
            document = read(*args)
        except InputError as err:
            yield beam.pvalue.TaggedOutput(REJECTS, RejectRecord(uri, "read", err.reason, str(err)))
            return
        except Exception as err:  # whatever a damaged record raises, it is one reject
            detail = f"{type(err).__name__}: {err}"[:500]
            reject = RejectRecord(uri, "read", RejectReason.MALFORMED_RECORD, detail)
            yield beam.pvalue.TaggedOutput(REJECTS, reject)
            return
        if document is not None:
            yield document


class ReadContainers(beam.PTransform):
    """Container file metadata -> RawDocument (main), RejectRecord ('rejects'), skip reasons
    ('skipped') and input units per container ('units')."""

    def __init__(self, limits: ReadLimits, fields: JsonFields) -> None:
        super().__init__()
        self._limits = limits
        self._fields = fields

    def expand(self, paths: beam.PCollection) -> dict[str, beam.PCollection]:
        scanned = paths | "Scan" >> beam.ParDo(ScanContainerFn(self._limits)).with_outputs(
            REJECTS, SKIPPED, UNITS, main="parts"
        )
        records = (
            scanned.parts
            # Spread one container's records over all workers.
            | "SpreadRecords" >> beam.Reshuffle()
            | "ReadRecords"
            >> beam.ParDo(ReadRecordFn(self._limits, self._fields)).with_outputs(
                REJECTS, main="docs"
            )
        )
        rejects = (scanned[REJECTS], records[REJECTS]) | "ContainerRejects" >> beam.Flatten()
        return {
            "docs": records.docs,
            REJECTS: rejects,
            SKIPPED: scanned[SKIPPED],
            UNITS: scanned[UNITS],
        }
