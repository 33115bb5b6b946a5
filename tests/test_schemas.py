"""Schemas: derived from the pydantic models, never inferred."""

from __future__ import annotations

import datetime

import pyarrow as pa
import pytest
from wirestory.schemas import Article, RejectReason, Story, arrow_schema, table_schemas


def test_every_model_field_is_in_its_schema_with_nullability() -> None:
    schemas = table_schemas()
    assert set(schemas) == {"articles", "stories", "rejects", "documents", "bands", "chrome"}
    articles = schemas["articles"]
    assert articles.names == list(Article.model_fields)
    assert articles.field("published").type == pa.date32()
    assert articles.field("published").nullable and not articles.field("doc_id").nullable
    assert schemas["stories"].field("doc_ids").type == pa.list_(
        pa.field("element", pa.string(), nullable=False)
    )
    assert articles.field("text").metadata[b"description"]


def test_rows_validate_against_both_model_and_schema() -> None:
    row = {
        "story_id": "st_1",
        "canonical_doc_id": "1",
        "title": None,
        "url": None,
        "text": "t",
        "size": 1,
        "doc_ids": ["1"],
        "urls": [],
        "sites": [],
        "first_published": datetime.date(2024, 10, 24),
        "last_published": None,
    }
    Story.model_validate(row)
    table = pa.Table.from_pylist([row], schema=arrow_schema(Story))
    assert table.num_rows == 1
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        pa.Table.from_pylist([{**row, "size": "many"}], schema=arrow_schema(Story))


def test_reject_reasons_are_a_closed_documented_set() -> None:
    assert {r.value for r in RejectReason} >= {"unreadable", "decode_error", "empty", "too_large"}


def test_readme_documents_every_column_and_reject_reason() -> None:
    from wirestory.schemas import TABLES

    from tests.conftest import PROJECT

    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for model in TABLES.values():
        for name, info in model.model_fields.items():
            assert f"| `{name}` |" in readme and info.description in readme, name
    for reason in RejectReason:
        assert f"| `{reason.value}` |" in readme, reason
