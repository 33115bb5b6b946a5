"""Output table models and the pyarrow schemas derived from them."""

from wirestory.schemas.arrow import arrow_schema, table_schemas
from wirestory.schemas.models import TABLES, Article, Reject, RejectReason, Story

__all__ = ["TABLES", "Article", "Reject", "RejectReason", "Story", "arrow_schema", "table_schemas"]
