"""Step 2: extract clean text and metadata (trafilatura for HTML, our cleaner for plain text)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue
from wirestory.schemas.models import RejectReason
from wirestory.transforms.extractors import ExtractionSettings
from wirestory.transforms.isolation import CallTimeout, Completion, IsolatedPool, WorkerCrashed
from wirestory.transforms.records import ExtractedArticle, RawDocument, RejectRecord, content_doc_id

REJECTS = "rejects"
_LOG = logging.getLogger(__name__)


class ExtractArticleFn(beam.DoFn):
    """Turns a RawDocument into an ExtractedArticle, or a reject on the rejects output.

    Extraction runs in `processes` child processes, so the time and memory limits hold for
    every page, and the worker goes on with other elements (signatures, shuffles) while they
    extract. At most `processes` documents are in flight; finish_bundle waits for them.
    """

    def __init__(self, settings: ExtractionSettings, processes: int = 1) -> None:
        self._settings = settings
        self._processes = processes
        self._pool: IsolatedPool | None = None

    def setup(self) -> None:
        self._pool = IsolatedPool(
            "wirestory.transforms.extractors:extract_document",
            size=self._processes,
            timeout_s=self._settings.max_seconds,
            memory_bytes=self._settings.max_memory_bytes,
        )

    def teardown(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def start_bundle(self) -> None:
        self._in_flight: dict[int, tuple[RawDocument, WindowedValue]] = {}
        self._next_key = 0

    def process(
        self,
        doc: RawDocument,
        window: Any = beam.DoFn.WindowParam,
        timestamp: Any = beam.DoFn.TimestampParam,
    ) -> Iterator[WindowedValue | beam.pvalue.TaggedOutput]:
        assert self._pool is not None
        key, self._next_key = self._next_key, self._next_key + 1
        # Outputs leave later, possibly from finish_bundle: keep the element's window with it.
        self._in_flight[key] = (doc, WindowedValue(None, timestamp, (window,)))
        yield from self._emit(self._pool.submit(key, (doc.kind, doc.content, self._settings)))

    def finish_bundle(self) -> Iterator[WindowedValue | beam.pvalue.TaggedOutput]:
        assert self._pool is not None
        yield from self._emit(self._pool.drain())

    def _emit(self, completions: list[Completion]) -> Iterator[Any]:
        for key, fields, error in completions:
            doc, where = self._in_flight.pop(key)
            outcome = self._outcome(doc, fields, error)
            if isinstance(outcome, RejectRecord):
                _LOG.debug("rejected %s: %s", outcome.source_uri, outcome.detail)
                yield beam.pvalue.TaggedOutput(REJECTS, where.with_value(outcome))
            else:
                yield where.with_value(outcome)

    def _outcome(
        self, doc: RawDocument, fields: dict[str, Any] | None, error: Exception | None
    ) -> ExtractedArticle | RejectRecord:
        def reject(reason: RejectReason, detail: str) -> RejectRecord:
            return RejectRecord(doc.source_uri, "extract", reason, detail, doc.doc_id)

        if isinstance(error, CallTimeout):
            limit = self._settings.max_seconds
            return reject(RejectReason.TIMEOUT, f"extraction took longer than {limit:g} s")
        if isinstance(error, WorkerCrashed):
            return reject(RejectReason.EXTRACT_ERROR, f"extractor process died: {error}")
        if error is not None:
            return reject(RejectReason.EXTRACT_ERROR, str(error))
        assert fields is not None
        text = fields["text"]
        if not text:
            if doc.kind == "html":
                return reject(RejectReason.NOT_ARTICLE, "no article text found in the HTML")
            return reject(RejectReason.EMPTY, "no text left after removing boilerplate lines")
        kind = fields.get("page_type", "article")
        if kind != "article":
            return reject(RejectReason.NOT_ARTICLE, f"page type: {kind}")
        # What the container says (WARC target URI, JSON fields) beats what the page says.
        return ExtractedArticle(
            doc_id=doc.doc_id or content_doc_id(doc.content, doc.url),
            source_uri=doc.source_uri,
            url=doc.url or fields.get("url"),
            title=doc.title or fields.get("title"),
            author=fields.get("author"),
            published=doc.published or fields.get("published"),
            sitename=fields.get("sitename"),
            language=fields.get("language"),
            text=text,
            word_count=fields["word_count"],
            fetched=doc.fetched,
        )


@beam.typehints.with_input_types(RawDocument)
class ExtractArticles(beam.PTransform):
    """Extracts articles; outputs ExtractedArticle on 'articles' and RejectRecord on 'rejects'."""

    def __init__(self, settings: ExtractionSettings, processes: int = 1) -> None:
        super().__init__()
        self._settings = settings
        self._processes = processes

    def expand(self, docs: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return docs | "Extract" >> beam.ParDo(
            ExtractArticleFn(self._settings, self._processes)
        ).with_outputs(REJECTS, main="articles")
