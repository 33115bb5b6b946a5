"""Derives pyarrow schemas from the pydantic models, so Parquet never infers one."""

from __future__ import annotations

import datetime
import enum
import types
import typing

import pyarrow as pa
from pydantic import BaseModel
from wirestory.schemas.models import INDEX_TABLES, TABLES

_SCALARS: dict[type, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    float: pa.float64(),
    bool: pa.bool_(),
    bytes: pa.binary(),
    datetime.date: pa.date32(),
    datetime.datetime: pa.timestamp("us", tz="UTC"),
}


def _arrow_type(annotation: typing.Any) -> tuple[pa.DataType, bool]:
    """Maps a field annotation to (arrow type, nullable)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        return _arrow_type(members[0])[0], True
    if origin is list:
        (item,) = typing.get_args(annotation)
        return pa.list_(pa.field("element", _arrow_type(item)[0], nullable=False)), False
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return pa.string(), False
    if annotation in _SCALARS:
        return _SCALARS[annotation], False
    raise TypeError(f"no arrow type for {annotation!r}")


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    """Builds the pyarrow schema of a model, descriptions kept as field metadata."""
    fields = []
    for name, info in model.model_fields.items():
        arrow_type, nullable = _arrow_type(info.annotation)
        metadata = {"description": info.description} if info.description else None
        fields.append(pa.field(name, arrow_type, nullable=nullable, metadata=metadata))
    return pa.schema(fields, metadata={"model": model.__name__})


def table_schemas() -> dict[str, pa.Schema]:
    """Returns the schema of every output table, by table name."""
    return {name: arrow_schema(model) for name, model in {**TABLES, **INDEX_TABLES}.items()}
