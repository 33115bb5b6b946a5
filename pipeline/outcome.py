"""What a finished run's summary says: the documents balance, and whether extraction worked."""

from __future__ import annotations

from typing import Any

# Reasons only the extraction step gives when the extractor itself failed (not the document).
_FAILED = ("extract_error", "timeout")


class ExtractionFailed(Exception):
    """Every document reaching extraction failed there: the installation, not the input."""


def documents(summary: dict[str, Any]) -> dict[str, Any]:
    """Input units (page files and container records) and where each went.

    `inputs == articles + rejects + skipped` holds for every run: a page file or a container
    record is an article, a reject or a skipped record, and an empty or unreadable container
    is one reject.
    """
    # Container records that are not documents, and documents the dataset already holds.
    skipped = sum(summary.get("skipped_records", {}).values())
    skipped += sum(summary.get("skipped", {}).values())
    counts = {
        "inputs": summary.get("units", 0),
        "articles": summary["articles"],
        "rejects": summary["rejects"],
        "skipped": skipped,
    }
    counts["balanced"] = counts["inputs"] == counts["articles"] + counts["rejects"] + skipped
    return counts


def _first_failure(staging: str) -> str:
    """The detail of one extraction failure in the staged rejects table ('' if none found)."""
    import pyarrow.parquet as pq
    from apache_beam.io.filesystems import FileSystems

    pattern = FileSystems.join(staging, "rejects", "*.parquet")
    try:
        for meta in sorted(FileSystems.match([pattern])[0].metadata_list, key=lambda m: m.path):
            with FileSystems.open(meta.path) as handle:
                rows = pq.read_table(handle, columns=["reason", "detail"]).to_pylist()
            for row in rows:
                if row["reason"] in _FAILED:
                    return row["detail"]
    except Exception:  # only a hint for the message
        return ""
    return ""


def check_extraction(summary: dict[str, Any], staging: str | None = None) -> None:
    """Raises ExtractionFailed when no article came out and extraction failed for every
    document it was given (for example a broken trafilatura install): such a run is not a
    success, even though every input is accounted for as a reject."""
    reasons = summary.get("rejects_by_reason", {})
    failed = sum(reasons.get(reason, 0) for reason in _FAILED)
    if summary["articles"] == 0 and failed and not reasons.get("not_article"):
        first = _first_failure(staging) if staging else ""
        raise ExtractionFailed(
            f"extraction failed for every document ({failed} extract_error/timeout rejects, "
            "no article; nothing was published)" + (f"; first: {first[:300]}" if first else "")
        )
