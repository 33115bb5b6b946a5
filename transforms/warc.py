"""WARC and ARC files (gzipped per record or not) as pointers to records, via warcio.

A well-formed `.warc.gz` compresses each record into its own gzip member, so a record can be
read later by seeking to its offset: the scan yields small WarcPointers and the reading is spread
over workers. A gzip stream whose members hold several records ("non-chunked", as `gzip
crawl.warc` makes) cannot be seeked; from the first such member on, records are read in the scan
itself and yielded as documents (or rejects). ARC files, the format of older crawls, are read
the same way (warcio converts their headers to WARC ones).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import RejectReason
from wirestory.transforms.read import (
    GunzipStream,
    InputError,
    ReadLimits,
    decode_bytes,
    stream_limit,
)
from wirestory.transforms.records import RawDocument, RejectRecord

_SCAN_BYTES = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_DOCUMENT_TYPES = ("response", "resource")

Skip = tuple[str, str]


@dataclass(frozen=True)
class WarcPointer:
    """Where one WARC response or resource record sits in its file."""

    path: str
    offset: int
    length: int


class _NotChunked(Exception):
    """A gzip member holds more than one record: pointers cannot address them."""


def _content_type(record: Any) -> str:
    headers = record.http_headers if record.rec_type == "response" else record.rec_headers
    return (headers.get_header("Content-Type") or "") if headers is not None else ""


def skip_reason(record: Any) -> str | None:
    """Why a record is not a document: not a response/resource, not HTTP 200, or not HTML."""
    if record.rec_type not in _DOCUMENT_TYPES:
        return f"warc_{record.rec_type or 'untyped'}"
    if record.rec_type == "response":
        if record.http_headers is None:
            return "warc_not_http"
        if record.http_headers.get_statuscode() != "200":
            return "warc_non_200"
    if "html" not in _content_type(record).lower():
        return "warc_non_html"
    return None


def _http_charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def document_from_record(record: Any, uri: str, limits: ReadLimits) -> RawDocument:
    """Decodes one response or resource record (its payload read within the limits)."""
    try:
        payload = record.content_stream().read(limits.max_decompressed_bytes + 1)
    except Exception as err:  # warcio raises several types for damaged data
        raise InputError(RejectReason.MALFORMED_RECORD, f"{type(err).__name__}: {err}") from err
    if len(payload) > limits.max_file_bytes:
        raise InputError(RejectReason.TOO_LARGE, "record payload exceeds the byte limit")
    if not payload.strip():
        raise InputError(RejectReason.EMPTY, "empty response body")
    date = record.rec_headers.get_header("WARC-Date")
    fetched = None
    if date:
        try:
            fetched = datetime.datetime.fromisoformat(date.replace("Z", "+00:00"))
        except ValueError:
            fetched = None
    return RawDocument(
        source_uri=uri,
        kind="html",
        content=decode_bytes(payload, "html", _http_charset(_content_type(record))),
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched=fetched,
    )


def read_warc_record(pointer: WarcPointer, limits: ReadLimits) -> RawDocument:
    """Reads and decodes one record found by index_warc."""
    from warcio.archiveiterator import ArchiveIterator

    if pointer.length > limits.max_decompressed_bytes:
        raise InputError(RejectReason.TOO_LARGE, f"record of {pointer.length} bytes")
    with FileSystems.open(pointer.path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        handle.seek(pointer.offset)
        data = handle.read(pointer.length)
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(data), arc2warc=True)))
    except Exception as err:  # warcio raises several types for damaged data
        raise InputError(RejectReason.MALFORMED_RECORD, f"{type(err).__name__}: {err}") from err
    return document_from_record(record, f"{pointer.path}#{pointer.offset}", limits)


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


def _too_large(path: str, limit: int) -> RejectRecord:
    detail = f"decompressed stream exceeds {limit} bytes; the rest of the file was not read"
    return RejectRecord(path, "read", RejectReason.TOO_LARGE, detail)


def _records(
    handle: Any, path: str, position: int, budget: list[int]
) -> Iterator[tuple[int, int, WarcPointer | Skip]]:
    """(offset, end, pointer or skip) for the records from position on.

    A record is yielded once the next one parsed, so that a gzip member found to hold several
    records raises _NotChunked(offset of that member) before anything of it was yielded. Raises
    InputError(TOO_LARGE) when the stream budget (decompressed bytes) runs out.
    """
    from warcio.archiveiterator import ArchiveIterator

    handle.seek(position)
    records = ArchiveIterator(handle, arc2warc=True)
    held: tuple[int, int, WarcPointer | Skip] | None = None
    try:
        for record in records:
            if held is not None:
                yield held
                held = None
            offset, length = records.get_record_offset(), records.get_record_length()
            budget[0] -= int(record.rec_headers.get_header("Content-Length") or 0) + 512
            if budget[0] < 0:
                raise InputError(RejectReason.TOO_LARGE, "stream budget exhausted")
            reason = skip_reason(record)
            item = ("skipped", reason) if reason else WarcPointer(path, offset, length)
            held = (offset, offset + length, item)
    except Exception as err:
        if held is not None and "non-chunked" in str(err):
            raise _NotChunked(held[0]) from err
        if held is not None:
            yield held
        raise
    if held is not None:
        yield held


def _inline(
    handle: Any, path: str, member: int, limits: ReadLimits, budget: int, limit: int
) -> Iterator[RawDocument | RejectRecord | Skip]:
    """Records of a non-chunked gzip stream, from the member at offset `member` on, in order;
    source_uri is FILE#MEMBER+OFFSET (the offset within the inflated stream)."""
    from warcio.archiveiterator import ArchiveIterator

    handle.seek(member)
    records = ArchiveIterator(GunzipStream(handle, budget), arc2warc=True)
    uri = f"{path}#{member}"  # where a failure is reported: after the last record read
    try:
        for record in records:
            offset = records.offset  # get_record_offset() would consume the record first
            uri = f"{path}#{member}+{offset}"
            reason = skip_reason(record)
            if reason:
                yield "skipped", reason
                continue
            try:
                yield document_from_record(record, uri, limits)
            except InputError as err:
                yield RejectRecord(uri, "read", err.reason, str(err))
            uri = f"{path}#{member}+{offset}~"
    except InputError as err:
        if err.reason == RejectReason.TOO_LARGE:
            yield _too_large(path, limit)
        else:
            yield RejectRecord(uri, "read", err.reason, str(err))
    except Exception as err:  # warcio raises several types for damaged data
        detail = f"unreadable record: {type(err).__name__}: {err}"[:500]
        yield RejectRecord(uri, "read", RejectReason.MALFORMED_RECORD, detail)


def index_warc(
    path: str, limits: ReadLimits | None = None, size: int | None = None
) -> Iterator[WarcPointer | RawDocument | RejectRecord | Skip]:
    """Scans a WARC or ARC file: pointers to document records, ("skipped", reason) pairs, one
    reject per bad stretch (scanning resumes at the next record boundary) and, for a non-chunked
    gzip stream, the documents themselves. A gzipped file's stream is capped (stream_limit)."""
    limits = limits or ReadLimits()
    gzipped = path.lower().endswith(".gz")
    if size is None:
        size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
    limit = stream_limit(limits, size) if gzipped else 1 << 62
    budget = [limit]
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        position, failing = 0, False
        while True:
            end = position  # where the last good record ended: a bad stretch starts there
            try:
                for _, record_end, item in _records(handle, path, position, budget):
                    failing, end = False, record_end
                    yield item
                return
            except _NotChunked as err:
                yield from _inline(handle, path, err.args[0], limits, budget[0], limit)
                return
            except InputError:
                yield _too_large(path, limit)
                return
            except Exception as err:  # warcio raises several types for damaged data
                if not failing:
                    detail = f"unreadable record: {type(err).__name__}: {err}"[:500]
                    yield RejectRecord(
                        f"{path}#{end}", "read", RejectReason.MALFORMED_RECORD, detail
                    )
                failing = True
                resume = _next_record_start(handle, end + 1, gzipped)
                if resume is None:
                    return
                position = resume
