"""Step 2: extract clean text and metadata (trafilatura for HTML, our cleaner for plain text)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import apache_beam as beam

from schemas.models import RejectReason
from transforms.extractors import ExtractionSettings, count_words
from transforms.isolation import CallTimeout, IsolatedFunction, RemoteError, WorkerCrashed
from transforms.records import ExtractedArticle, RawDocument, RejectRecord, doc_id_for

REJECTS = "rejects"
_LOG = logging.getLogger(__name__)


class ExtractArticleFn(beam.DoFn):
    """Turns a RawDocument into an ExtractedArticle, or a reject on the rejects output.

    Extraction runs in a child process so the time and memory limits hold for every page.
    """

    def __init__(self, settings: ExtractionSettings) -> None:
        self._settings = settings
        self._extractor: IsolatedFunction | None = None

    def setup(self) -> None:
        self._extractor = IsolatedFunction(
            "transforms.extractors:extract_document",
            timeout_s=self._settings.max_seconds,
            memory_bytes=self._settings.max_memory_bytes,
        )

    def teardown(self) -> None:
        if self._extractor is not None:
            self._extractor.close()

    def process(self, doc: RawDocument) -> Iterator[ExtractedArticle | beam.pvalue.TaggedOutput]:
        assert self._extractor is not None
        outcome = self._extract(doc)
        if isinstance(outcome, RejectRecord):
            _LOG.debug("rejected %s: %s", doc.source_uri, outcome.detail)
            yield beam.pvalue.TaggedOutput(REJECTS, outcome)
        else:
            yield outcome

    def _extract(self, doc: RawDocument) -> ExtractedArticle | RejectRecord:
        def reject(reason: RejectReason, detail: str) -> RejectRecord:
            return RejectRecord(doc.source_uri, "extract", reason, detail)

        assert self._extractor is not None
        try:
            fields = self._extractor.call(doc.kind, doc.content, self._settings)
        except CallTimeout:
            limit = self._settings.max_seconds
            return reject(RejectReason.TIMEOUT, f"extraction took longer than {limit:g} s")
        except WorkerCrashed as err:
            return reject(RejectReason.EXTRACT_ERROR, f"extractor process died: {err}")
        except RemoteError as err:
            return reject(RejectReason.EXTRACT_ERROR, str(err))
        text = fields["text"]
        if not text:
            if doc.kind == "html":
                return reject(RejectReason.NOT_ARTICLE, "no article text found in the HTML")
            return reject(RejectReason.EMPTY, "no text left after removing boilerplate lines")
        # What the container says (WARC target URI, JSON fields) beats what the page says.
        return ExtractedArticle(
            doc_id=doc_id_for(doc.source_uri),
            source_uri=doc.source_uri,
            url=doc.url or fields.get("url"),
            title=doc.title or fields.get("title"),
            author=fields.get("author"),
            published=doc.published or fields.get("published"),
            sitename=fields.get("sitename"),
            language=fields.get("language"),
            text=text,
            word_count=count_words(text),
            fetched=doc.fetched,
        )


@beam.typehints.with_input_types(RawDocument)
class ExtractArticles(beam.PTransform):
    """Extracts articles; outputs ExtractedArticle on 'articles' and RejectRecord on 'rejects'."""

    def __init__(self, settings: ExtractionSettings) -> None:
        super().__init__()
        self._settings = settings

    def expand(self, docs: beam.PCollection) -> beam.pvalue.DoOutputsTuple:
        return docs | "Extract" >> beam.ParDo(ExtractArticleFn(self._settings)).with_outputs(
            REJECTS, main="articles"
        )
