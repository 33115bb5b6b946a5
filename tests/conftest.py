"""Shared test helpers: a pinned local runner and the path to ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.test_pipeline import TestPipeline

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"


def local_pipeline() -> TestPipeline:
    """A TestPipeline on the FnApiRunner, pinned like the product does."""
    return TestPipeline(runner=FnApiRunner(), options=PipelineOptions([]))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: tests read the shared data beside the project")
    return SHARED
