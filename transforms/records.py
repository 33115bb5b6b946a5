"""Plain records passed between pipeline steps (picklable, no lxml objects)."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from dataclasses import dataclass

from wirestory.schemas.models import RejectReason


def doc_id_for(source_uri: str) -> str:
    """Id of an input that has no content to hash (a file that could not be read)."""
    return hashlib.blake2b(b"uri\0" + source_uri.encode("utf-8"), digest_size=8).hexdigest()


def content_doc_id(content: str, url: str | None) -> str:
    """Document identity: blake2b over the container's URL (when it gives one) and the text.

    Not the path: a moved or renamed file keeps its id, a changed file gets a new one, and
    identical text under two URLs is two documents (two articles of one story).
    """
    digest = hashlib.blake2b(digest_size=8)
    digest.update((url or "").encode("utf-8") + b"\0")
    digest.update(content.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class RawDocument:
    """A decoded input document before extraction, with what its container said about it."""

    source_uri: str
    kind: str  # "html", "text" (scraped, to be cleaned) or "clean" (text taken as is)
    content: str
    url: str | None = None
    title: str | None = None
    published: datetime.date | None = None
    fetched: datetime.datetime | None = None
    doc_id: str = ""

    def identified(self) -> RawDocument:
        """This document with its content identity set."""
        return dataclasses.replace(self, doc_id=content_doc_id(self.content, self.url))


@dataclass(frozen=True)
class ExtractedArticle:
    """Clean text and metadata of one document."""

    doc_id: str
    source_uri: str
    url: str | None
    title: str | None
    author: str | None
    published: datetime.date | None
    sitename: str | None
    language: str | None
    text: str  # what signatures and grouping read
    word_count: int
    fetched: datetime.datetime | None = None
    # The text as extracted, stored instead of `text` when page chrome was removed from
    # `text` but made up most of the page (transforms/chrome.py); None otherwise.
    kept_text: str | None = None

    def stored_text(self) -> str:
        """The text the articles table stores."""
        return self.text if self.kept_text is None else self.kept_text

    def stored_words(self) -> int:
        """Words of the stored text."""
        if self.kept_text is None:
            return self.word_count
        from wirestory.transforms.extractors import count_words

        return count_words(self.kept_text)


@dataclass(frozen=True)
class Signature:
    """MinHash signature of one article: the record an index persists.

    hashvalues holds num_perm little-endian uint32 values, identical to
    datasketch.MinHash(num_perm, seed).hashvalues for the same shingles. shingle_keys holds
    the sorted distinct little-endian uint32 keys of the shingles (signatures.shingle_keys),
    for exact verification of candidate pairs; lead_keys those of its opening shingles.
    """

    doc_id: str
    num_shingles: int
    hashvalues: bytes
    shingle_keys: bytes = b""
    lead_keys: bytes = b""  # keys of the first lead_shingles shingles, sorted, distinct


@dataclass(frozen=True)
class RejectRecord:
    """An input that did not become an article."""

    source_uri: str
    stage: str
    reason: RejectReason
    detail: str
    doc_id: str = ""

    def identity(self) -> str:
        """The document's content id, or for an unread file the hash of its URI."""
        return self.doc_id or doc_id_for(self.source_uri)

    def as_row(self) -> dict[str, str]:
        """Returns the row for the rejects table."""
        return {
            "source_uri": self.source_uri,
            "stage": self.stage,
            "reason": self.reason.value,
            "detail": self.detail[:2000],
            "doc_id": self.identity(),
        }
