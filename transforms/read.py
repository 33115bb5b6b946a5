"""Step 1: match input files, read them within limits, decompress and decode."""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes, FileMetadata
from apache_beam.io.filesystems import FileSystems
from wirestory.schemas.models import RejectReason
from wirestory.transforms.records import RawDocument, RejectRecord
from wirestory.transforms.write import log_progress

REJECTS = "rejects"
_LOG = logging.getLogger(__name__)

# File name suffix (after an optional .gz) -> document kind.
_KINDS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".warc": "warc",
    ".arc": "warc",  # warcio reads ARC, the format of older crawls, as WARC
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
CONTAINER_KINDS = ("warc", "jsonl")
CONTAINERS = "containers"
# One element per input unit (a page file, or a container's record): the manifest's inputs.
UNITS = "units"
# A gzipped container's inflated stream may reach this multiple of its compressed size (or
# --max-decompressed-bytes, when larger): text compresses 3-10x, a gzip bomb 1000x.
CONTAINER_RATIO = 20
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class ReadLimits:
    """Size limits enforced while reading one input file."""

    max_file_bytes: int = 20 * 1024 * 1024
    max_decompressed_bytes: int = 50 * 1024 * 1024


class InputError(Exception):
    """A file that cannot become a document, with the reject reason."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def expand_input(path: str) -> str:
    """Turns a directory (local or a cloud prefix ending in '/') into a recursive glob."""
    if FileSystems.get_scheme(path) is None:
        # Absolute local paths keep source_uri, and so doc_id, independent of the working dir.
        path = os.path.abspath(os.path.expanduser(path))
        if os.path.isdir(path):
            return os.path.join(path, "**")
    if any(ch in path for ch in "*?["):
        return path
    if path.endswith("/"):
        return path + "**"
    return path


def document_kind(path: str) -> tuple[str | None, bool]:
    """Returns (kind, gzipped) from the file name; kind is None when unsupported."""
    name = path.lower()
    gzipped = name.endswith(".gz")
    if gzipped:
        name = name[:-3]
    for suffix, kind in _KINDS.items():
        if name.endswith(suffix):
            return kind, gzipped
    return None, gzipped


def stream_limit(limits: ReadLimits, compressed_size: int) -> int:
    """Bytes a gzipped container's whole stream may inflate to (see CONTAINER_RATIO)."""
    return max(limits.max_decompressed_bytes, CONTAINER_RATIO * compressed_size)


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompresses (multi-member) gzip, refusing output beyond limit bytes."""
    out: list[bytes] = []
    total = 0
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(data, limit + 1 - total)
        except zlib.error as err:
            raise InputError(RejectReason.DECOMPRESS_ERROR, f"gzip: {err}") from err
        total += len(chunk)
        out.append(chunk)
        if total > limit or inflater.unconsumed_tail:
            raise InputError(RejectReason.TOO_LARGE, f"decompressed size exceeds {limit} bytes")
        if not inflater.eof:
            raise InputError(RejectReason.DECOMPRESS_ERROR, "gzip stream is truncated")
        data = inflater.unused_data
    return b"".join(out)


class GunzipStream(io.RawIOBase):
    """A read-only view of (multi-member) gzip data, inflated on the fly within a byte limit."""

    def __init__(self, raw: Any, limit: int) -> None:
        self._raw, self._limit, self._total, self._seen = raw, limit, 0, False
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if self._inflater.eof:
                rest = self._inflater.unused_data
                if not rest and not (rest := self._raw.read(1 << 20)):
                    return 0
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                rest = self._inflater.unconsumed_tail or self._raw.read(1 << 20)
                if not rest and not self._seen:
                    return 0  # a zero-byte file: empty, not damaged
                if not rest:
                    raise InputError(RejectReason.DECOMPRESS_ERROR, "gzip stream is truncated")
                self._seen = True
            try:
                data = self._inflater.decompress(rest, len(buffer))
            except zlib.error as err:
                raise InputError(RejectReason.DECOMPRESS_ERROR, f"gzip: {err}") from err
            if data:
                self._total += len(data)
                if self._total > self._limit:
                    detail = f"decompressed stream exceeds {self._limit} bytes; rest not read"
                    raise InputError(RejectReason.TOO_LARGE, detail)
                buffer[: len(data)] = data
                return len(data)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM: ASCII-range text leaves every other byte zero."""
    sample = data[:4000]
    if len(sample) < 8 or sample.count(0) < len(sample) // 3:
        return None
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    return "utf-16-be" if even_zeros > odd_zeros else "utf-16-le"


def decode_bytes(data: bytes, kind: str, declared: str | None = None) -> str:
    """Decodes by BOM, declared (HTTP) charset, <meta charset>, strict UTF-8, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    candidates: list[str] = [declared] if declared else []
    wide = _utf16_without_bom(data)
    if wide:
        candidates.append(wide)
    if kind == "html":
        match = _META_CHARSET.search(data[:4096])
        if match:
            candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    from charset_normalizer import from_bytes

    # Detection on a prefix keeps a 20 MB page cheap; the whole document is then decoded.
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise InputError(RejectReason.DECODE_ERROR, "no text encoding fits the bytes")
    try:
        return data.decode(best.encoding, errors="replace")
    except LookupError as err:
        raise InputError(RejectReason.DECODE_ERROR, f"unknown encoding {best.encoding}") from err


class ReadDocumentFn(beam.DoFn):
    """Reads one matched file into a RawDocument, or a reject on the rejects output."""

    def __init__(self, limits: ReadLimits) -> None:
        self._limits = limits

    def process(self, metadata: FileMetadata) -> Iterator[RawDocument | beam.pvalue.TaggedOutput]:
        path = metadata.path
        if document_kind(path)[0] in CONTAINER_KINDS:
            yield beam.pvalue.TaggedOutput(CONTAINERS, metadata)
            return
        yield beam.pvalue.TaggedOutput(UNITS, 1)
        try:
            yield self._read(metadata)
        except InputError as err:
            reject = RejectRecord(path, "read", err.reason, str(err))
            yield beam.pvalue.TaggedOutput(REJECTS, reject)
        except Exception as err:  # filesystem errors surface as OSError, ValueError, ...
            reject = RejectRecord(
                path, "read", RejectReason.UNREADABLE, f"{type(err).__name__}: {err}"
            )
            yield beam.pvalue.TaggedOutput(REJECTS, reject)

    def _read(self, metadata: FileMetadata) -> RawDocument:
        path, limits = metadata.path, self._limits
        kind, gzipped = document_kind(path)
        if kind is None:
            raise InputError(RejectReason.UNSUPPORTED_FORMAT, "file name has no supported suffix")
        if metadata.size_in_bytes > limits.max_file_bytes:
            detail = (
                f"{metadata.size_in_bytes} bytes exceeds the {limits.max_file_bytes} byte limit"
            )
            raise InputError(RejectReason.TOO_LARGE, detail)
        with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as handle:
            data = handle.read(limits.max_file_bytes + 1)
        if len(data) > limits.max_file_bytes:
            raise InputError(RejectReason.TOO_LARGE, "file grew beyond the byte limit while read")
        if gzipped:
            data = gunzip_limited(data, limits.max_decompressed_bytes)
        if not data.strip():
            raise InputError(RejectReason.EMPTY, "file is empty or whitespace only")
        return RawDocument(source_uri=path, kind=kind, content=decode_bytes(data, kind))


@beam.typehints.with_input_types(str)
@beam.typehints.with_output_types(FileMetadata)
class MatchInputs(beam.PTransform):
    """Matches files, directories (recursively) and globs on any Beam filesystem, once each."""

    def __init__(self, patterns: Iterable[str]) -> None:
        super().__init__()
        self._patterns = sorted({expand_input(p) for p in patterns})

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Patterns" >> beam.Create(self._patterns)
            | "Match" >> fileio.MatchAll(fileio.EmptyMatchTreatment.ALLOW)
            | "ProgressMatched" >> log_progress("matched")
            | "KeyByPath" >> beam.Map(lambda meta: (meta.path, meta))
            | "OncePerPath" >> beam.CombinePerKey(_first_metadata)
            | "Metadata" >> beam.Values()
        )


@beam.typehints.with_output_types(FileMetadata)
class ListedInputs(beam.PTransform):
    """Files a launcher has already listed, as (path, size) -> their metadata, without matching
    each file again: a match per file cost ~0.15-0.6 ms (15 s of a 100,000-file run). A file
    that vanished since the listing becomes a read reject, never a silent gap."""

    def __init__(self, files: Iterable[tuple[str, int]]) -> None:
        super().__init__()
        self._files = sorted(set(files))

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "Files" >> beam.Create(self._files)
            | "Metadata" >> beam.MapTuple(_metadata)
            | "ProgressMatched" >> log_progress("matched")
        )


def _metadata(path: str, size: int) -> FileMetadata:
    return FileMetadata(path, size)


def _first_metadata(items: Iterable[FileMetadata]) -> FileMetadata | None:
    """Keeps one metadata record for a path matched by several patterns."""
    return next(iter(items), None)


@beam.typehints.with_input_types(FileMetadata)
class ReadDocuments(beam.PTransform):
    """Reads one-document files: RawDocument (main), RejectRecord ('rejects'), a 1 per page file
    ('units') and the metadata of container files ('containers') for ReadContainers."""

    def __init__(self, limits: ReadLimits) -> None:
        super().__init__()
        self._limits = limits

    def expand(self, files: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return (
            files
            # One glob's matches come out of a single bundle: spread them across workers.
            | "SpreadFiles" >> beam.Reshuffle()
            | "Read"
            >> beam.ParDo(ReadDocumentFn(self._limits)).with_outputs(
                REJECTS, CONTAINERS, UNITS, main="docs"
            )
        )
