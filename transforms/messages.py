"""Pub/Sub messages -> RawDocument or RejectRecord, for `wirestory stream`.

The attribute `eventType` tells the two kinds apart: a GCS notification has it (OBJECT_FINALIZE
names an object to read), a JSON article message (one JSON Lines record) does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystem import FileMetadata
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics
from wirestory.schemas.models import RejectReason
from wirestory.transforms.containers import JsonFields, parse_json_line
from wirestory.transforms.read import CONTAINERS, REJECTS, InputError, ReadDocumentFn, ReadLimits
from wirestory.transforms.records import RawDocument, RejectRecord

IGNORED = "ignored"
GCS_EVENT = "eventType"
GCS_FINALIZE = "OBJECT_FINALIZE"
_IGNORED = Metrics.counter("wirestory", "ignored_notifications")


class ParseMessageFn(beam.DoFn):
    """A Pub/Sub message -> RawDocument, or a RejectRecord (main output is the document).

    GCS notifications (attribute `eventType`) name an object; OBJECT_FINALIZE reads it with
    the batch limits and decoding (one object, one page: containers are rejected), other events
    go to 'ignored'. Any other message is one JSON article, like a JSON Lines record.
    """

    def __init__(self, subscription: str, limits: ReadLimits, fields: JsonFields) -> None:
        self._subscription = subscription
        self._limits = limits
        self._fields = fields

    def setup(self) -> None:
        self._reader = ReadDocumentFn(self._limits)

    def process(self, message: Any) -> Iterator[Any]:
        uri = f"pubsub://{self._subscription}/{getattr(message, 'message_id', None) or 'unknown'}"
        try:
            yield from self._parse(uri, message)
        except Exception as err:  # a bad message is a reject row, never a failed bundle
            detail = f"{type(err).__name__}: {err}"[:500]
            reject = RejectRecord(uri, "read", RejectReason.MALFORMED_RECORD, detail)
            yield beam.pvalue.TaggedOutput(REJECTS, reject)

    def _parse(self, uri: str, message: Any) -> Iterator[Any]:
        data: bytes = message.data or b""
        attributes: dict[str, str] = dict(message.attributes or {})
        if GCS_EVENT in attributes:
            yield from self._notification(uri, attributes, data)
            return
        try:
            doc = parse_json_line(uri, data, self._fields, self._limits)
        except InputError as err:
            reject = RejectRecord(uri, "read", err.reason, str(err))
            yield beam.pvalue.TaggedOutput(REJECTS, reject)
            return
        if doc is None:
            reason, detail = RejectReason.EMPTY, "empty message"
            yield beam.pvalue.TaggedOutput(REJECTS, RejectRecord(uri, "read", reason, detail))
            return
        yield doc

    def _notification(self, uri: str, attributes: dict[str, str], data: bytes) -> Iterator[Any]:
        if attributes[GCS_EVENT] != GCS_FINALIZE:
            _IGNORED.inc()
            yield beam.pvalue.TaggedOutput(IGNORED, attributes[GCS_EVENT])
            return
        bucket, name = attributes.get("bucketId"), attributes.get("objectId")
        if not bucket or not name:
            detail = "GCS notification without bucketId/objectId"
            reject = RejectRecord(uri, "read", RejectReason.MALFORMED_RECORD, detail)
            yield beam.pvalue.TaggedOutput(REJECTS, reject)
            return
        path = f"gs://{bucket}/{name}"
        size = _object_size(data)
        if size is None:  # a notification without the JSON_API_V1 payload: ask the store
            size = FileSystems.match([path])[0].metadata_list[0].size_in_bytes
        for out in self._reader.process(FileMetadata(path, size)):
            if isinstance(out, RawDocument) or out.tag == REJECTS:
                yield out
            elif out.tag == CONTAINERS:
                detail = "a stream reads one page per object; ingest containers with ingest"
                reject = RejectRecord(path, "read", RejectReason.UNSUPPORTED_FORMAT, detail)
                yield beam.pvalue.TaggedOutput(REJECTS, reject)


def _object_size(data: bytes) -> int | None:
    """The object size a JSON_API_V1 notification payload gives, if any."""
    try:
        size = json.loads(data or b"{}").get("size")
        return int(size) if size is not None else None
    except (ValueError, AttributeError, TypeError):
        return None
