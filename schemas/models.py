"""Pydantic models of the output tables: the one source of their Parquet schemas and docs."""

from __future__ import annotations

import datetime
import enum

from pydantic import BaseModel, ConfigDict, Field


class RejectReason(str, enum.Enum):
    """Why an input file or record did not become an article."""

    UNREADABLE = "unreadable"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_LARGE = "too_large"
    DECOMPRESS_ERROR = "decompress_error"
    DECODE_ERROR = "decode_error"
    EMPTY = "empty"
    NOT_ARTICLE = "not_article"
    EXTRACT_ERROR = "extract_error"
    TIMEOUT = "timeout"
    MALFORMED_RECORD = "malformed_record"


class Article(BaseModel):
    """One extracted article and the story it belongs to."""

    model_config = ConfigDict(frozen=True)

    doc_id: str = Field(
        description="Content identity: 16 hex chars of blake2b over the container's URL (if any) "
        "and the decoded document; stable across runs, machines and moved files."
    )
    source_uri: str = Field(
        description="Matched path or URI of the input, as the filesystem reports it."
    )
    url: str | None = Field(description="Article URL from canonical/og:url tags, when present.")
    title: str | None = Field(description="Headline.")
    author: str | None = Field(description="Byline, when found.")
    published: datetime.date | None = Field(description="Publication date, when found.")
    sitename: str | None = Field(description="Publisher name, when found.")
    language: str | None = Field(
        description="Language code: the page's declared language (primary subtag), else "
        "detected by py3langid; a near-certain detection on 50+ words overrules the declaration."
    )
    fetched: datetime.datetime | None = Field(
        description="Fetch time (WARC-Date), for crawl records."
    )
    text: str = Field(description="Clean article text, one paragraph per line.")
    word_count: int = Field(description="Number of words in text.")
    story_id: str = Field(description="Id of the story group this article belongs to.")
    is_canonical: bool = Field(description="True for the one canonical copy of each story.")
    similarity: float = Field(
        description="Exact Jaccard similarity of the shingle sets to the canonical copy (1.0 "
        "for it)."
    )
    matched_doc_id: str | None = Field(
        description="The document this article joined its story through: a verified match "
        "on the path to the canonical copy. Null for the story's first document, the "
        "canonical copy (and for a story of one)."
    )
    match_jaccard: float | None = Field(
        description="Exact Jaccard similarity of the shingle sets of this article and "
        "matched_doc_id; null when matched_doc_id is."
    )
    match_containment: float | None = Field(
        description="Share of the shorter document's shingles found in the longer one, for "
        "this article and matched_doc_id; null when matched_doc_id is."
    )


class Story(BaseModel):
    """One group of near-duplicate articles with its canonical version."""

    model_config = ConfigDict(frozen=True)

    story_id: str = Field(description="Deterministic id: 'st_' + the smallest doc_id in the group.")
    canonical_doc_id: str = Field(description="doc_id of the most complete copy.")
    title: str | None = Field(description="Title of the canonical copy.")
    url: str | None = Field(description="URL of the canonical copy.")
    text: str = Field(description="Text of the canonical copy.")
    size: int = Field(description="Number of articles in the group.")
    doc_ids: list[str] = Field(description="All doc_ids in the group, sorted.")
    urls: list[str] = Field(description="Distinct non-null URLs in the group, sorted.")
    sites: list[str] = Field(description="Distinct non-null site names in the group, sorted.")
    first_published: datetime.date | None = Field(
        description="Earliest published date in the group."
    )
    last_published: datetime.date | None = Field(description="Latest published date in the group.")


class Reject(BaseModel):
    """An input file or record that did not become an article, and why."""

    model_config = ConfigDict(frozen=True)

    source_uri: str = Field(description="Matched path or URI of the input (FILE#N for a record).")
    stage: str = Field(description="Pipeline step that rejected it: read or extract.")
    reason: RejectReason = Field(description="One of the documented reject reasons.")
    detail: str = Field(description="Human-readable detail, e.g. the exception message.")
    doc_id: str | None = Field(
        default=None,
        description="Content identity of the rejected document (as in articles); for a file "
        "that could not be read, a hash of its URI.",
    )


class IndexedDocument(BaseModel):
    """Index table `documents`: every ingested document id, for skipping and verification."""

    model_config = ConfigDict(frozen=True)

    bucket: int = Field(description="Partition: hash of doc_id modulo the dataset's buckets.")
    doc_id: str = Field(description="Content identity, as in articles and rejects.")
    kind: str = Field(description="'article' or 'reject'.")
    story_id: str | None = Field(description="Story of an article; null for a reject.")
    doc_date: datetime.date | None = Field(
        description="Document time: published, else fetched, else the ingest date."
    )
    num_shingles: int = Field(description="Distinct shingles (0 for a reject).")
    hashvalues: bytes | None = Field(description="MinHash values, little-endian uint32.")
    shingle_keys: bytes | None = Field(
        description="Sorted distinct shingle keys (little-endian uint32), for exact verification."
    )
    lead_keys: bytes | None = Field(
        description="Keys of the opening shingles, for the containment lead rule."
    )
    batch: int = Field(description="Ingest batch that added it.")


class BandEntry(BaseModel):
    """Index table `bands`: the persistent LSH index, one row per article and band."""

    model_config = ConfigDict(frozen=True)

    bucket: int = Field(description="Partition: hash of band_key modulo the dataset's buckets.")
    band_key: bytes = Field(description="Band index (2 bytes) + blake2b of the band's rows.")
    doc_id: str = Field(description="Article with this band.")
    story_id: str = Field(description="The article's story.")
    doc_date: datetime.date | None = Field(description="The article's document time.")


class ChromeLineCount(BaseModel):
    """Table `chrome`: how many of a batch's pages of one site hold a line (learned chrome).

    A site's count for a line is the sum over batches; a line is chrome for the site when that
    sum reaches the rule's page floor and share of the site's pages (README, "Page chrome").
    """

    model_config = ConfigDict(frozen=True)

    bucket: int = Field(description="Partition: hash of (site, line_hash) modulo the buckets.")
    site: str = Field(description="URL host without 'www.' (else the site name), lower case.")
    line_hash: str = Field(
        description="16 hex chars of blake2b over the line, whitespace collapsed and case "
        "folded; '' for the row counting the site's pages."
    )
    pages: int = Field(description="Pages of this batch holding the line (or of the site).")
    batch: int = Field(description="Ingest batch that counted them.")


TABLES: dict[str, type[BaseModel]] = {"articles": Article, "stories": Story, "rejects": Reject}
# Tables a dataset keeps for incremental ingestion, partitioned by `bucket`.
INDEX_TABLES: dict[str, type[BaseModel]] = {
    "documents": IndexedDocument,
    "bands": BandEntry,
    "chrome": ChromeLineCount,
}
