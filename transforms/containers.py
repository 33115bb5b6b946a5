"""Step 1b: multi-record containers (WARC, JSON Lines) split into documents across workers.

A container is first scanned by one worker, which emits small pointers (WARC record offsets) or
chunks of lines (JSON Lines, whose gzip stream cannot be seeked); a Reshuffle then spreads them
so that extracting a 5 GB crawl is not one worker's job.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import RejectReason
from wirestory.transforms.read import REJECTS, InputError, ReadLimits, decode_bytes, document_kind
from wirestory.transforms.records import RawDocument, RejectRecord

SKIPPED = "skipped"
_SCAN_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
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


@dataclass(frozen=True)
class WarcPointer:
    """Where one WARC response record sits in its file."""

    path: str
    offset: int
    length: int


def _http_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _skip_reason(record: Any) -> str | None:
    """Why a WARC record is not a document: not a response, not HTTP 200, or not HTML."""
    if record.rec_type != "response":
        return f"warc_{record.rec_type}"
    if record.http_headers is None:
        return "warc_not_http"
    if record.http_headers.get_statuscode() != "200":
        return "warc_non_200"
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if "html" not in content_type:
        return "warc_non_html"
    return None


def _next_record_start(handle: Any, start: int, gzipped: bool) -> int | None:
    """Offset of the next gzip member (or WARC header line) at or after start, if any."""
    magic = _GZIP_MAGIC if gzipped else _WARC_MAGIC
    position, tail = start, b""
    while True:
        handle.seek(position)
        chunk = handle.read(_SCAN_BYTES)
        if not chunk:
            return None
        found = (tail + chunk).find(magic)
        if found >= 0:
            return position - len(tail) + found
        tail = chunk[-(len(magic) - 1) :]
        position += len(chunk)


def index_warc(path: str) -> Iterator[WarcPointer | RejectRecord | tuple[str, str]]:
    """Scans a WARC file: pointers to response records, skip reasons, and one reject per bad
    stretch, after which scanning resumes at the next record boundary."""
    from warcio.archiveiterator import ArchiveIterator

    gzipped = path.lower().endswith(".gz")
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        position, failing = 0, False
        while True:
            handle.seek(position)
            records = ArchiveIterator(handle)
            # warcio reports offsets from the handle's tell(), so they are absolute already.
            bad = position
            try:
                for record in records:
                    reason = _skip_reason(record)
                    offset = records.get_record_offset()
                    bad = offset + records.get_record_length()
                    failing = False
                    if reason:
                        yield SKIPPED, reason
                    else:
                        yield WarcPointer(path, offset, records.get_record_length())
                return
            except Exception as err:  # warcio raises several types for damaged data
                if not failing:
                    detail = f"unreadable WARC record: {type(err).__name__}: {err}"[:500]
                    yield RejectRecord(
                        f"{path}#{bad}", "read", RejectReason.MALFORMED_RECORD, detail
                    )
                failing = True
                resume = _next_record_start(handle, bad + 1, gzipped)
                if resume is None:
                    return
                position = resume


def read_warc_record(pointer: WarcPointer, limits: ReadLimits) -> RawDocument:
    """Reads and decodes one WARC response record found by index_warc."""
    from warcio.archiveiterator import ArchiveIterator

    if pointer.length > limits.max_decompressed_bytes:
        raise InputError(RejectReason.TOO_LARGE, f"record of {pointer.length} bytes")
    with FileSystems.open(pointer.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.seek(pointer.offset)
        data = handle.read(pointer.length)
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data))))
        payload = record.content_stream().read(limits.max_decompressed_bytes + 1)
    except Exception as err:  # warcio raises several types for damaged data
        raise InputError(RejectReason.MALFORMED_RECORD, f"{type(err).__name__}: {err}") from err
    if len(payload) > limits.max_file_bytes:
        raise InputError(RejectReason.TOO_LARGE, "record payload exceeds the byte limit")
    if not payload.strip():
        raise InputError(RejectReason.EMPTY, "empty response body")
    charset = _http_charset(record.http_headers.get_header("Content-Type") or "")
    date = record.rec_headers.get_header("WARC-Date")
    fetched = None
    if date:
        try:
            fetched = datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            fetched = None
    return RawDocument(
        source_uri=f"{pointer.path}#{pointer.offset}",
        kind="html",
        content=decode_bytes(payload, "html", charset),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched=fetched,
    )


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
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(RejectReason.MALFORMED_RECORD, f"invalid JSON: {err}") from err
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
    """Turns a container file into WARC pointers or chunks of JSON lines, plus rejects."""

    def __init__(self, limits: ReadLimits) -> None:
        self._limits = limits

    def process(self, path: str) -> Iterator[Any]:
        kind, gzipped = document_kind(path)
        try:
            if kind == "warc":
                for item in index_warc(path):
                    if isinstance(item, RejectRecord):
                        yield beam.pvalue.TaggedOutput(REJECTS, item)
                    elif isinstance(item, tuple):
                        yield beam.pvalue.TaggedOutput(SKIPPED, item[1])
                    else:
                        yield item
                return
            compression = CompressionTypes.GZIP if gzipped else CompressionTypes.UNCOMPRESSED
            with FileSystems.open(path, compression_type=compression) as handle:
                chunk: list[tuple[int, bytes | None]] = []
                size = 0
                for number, line in iter_lines(handle, self._limits.max_file_bytes):
                    chunk.append((number, line))
                    size += len(line or b"")
                    # Bounded by lines and bytes, so one shuffled element stays small.
                    if len(chunk) >= _LINES_PER_CHUNK or size >= _CHUNK_BYTES:
                        yield path, chunk
                        chunk, size = [], 0
                if chunk:
                    yield path, chunk
        except (OSError, EOFError, ValueError) as err:  # a damaged gzip stream mid-file
            detail = f"container stopped being readable: {type(err).__name__}: {err}"
            reason = RejectReason.DECOMPRESS_ERROR if gzipped else RejectReason.UNREADABLE
            yield beam.pvalue.TaggedOutput(REJECTS, RejectRecord(path, "read", reason, detail))


class ReadRecordFn(beam.DoFn):
    """Reads one WARC pointer, or parses a chunk of JSON lines, into RawDocuments."""

    def __init__(self, limits: ReadLimits, fields: JsonFields) -> None:
        self._limits = limits
        self._fields = fields

    def process(self, item: Any) -> Iterator[Any]:
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
        if document is not None:
            yield document


class ReadContainers(beam.PTransform):
    """Container paths -> RawDocument (main), RejectRecord ('rejects'), skip reasons ('skipped')."""

    def __init__(self, limits: ReadLimits, fields: JsonFields) -> None:
        super().__init__()
        self._limits = limits
        self._fields = fields

    def expand(self, paths: beam.PCollection) -> dict[str, beam.PCollection]:
        scanned = paths | "Scan" >> beam.ParDo(ScanContainerFn(self._limits)).with_outputs(
            REJECTS, SKIPPED, main="parts"
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
        return {"docs": records.docs, REJECTS: rejects, SKIPPED: scanned[SKIPPED]}
