"""Where a batch's seconds go: step labels from runner metrics, and the summary's combine."""

from __future__ import annotations

from wirestory.pipeline.batch import SummaryFn
from wirestory.pipeline.timings import step_of


def test_step_of_names_a_transform_by_its_first_label_parts() -> None:
    ref = "ref_AppliedPTransform_GroupStories-Candidates-BandKeys_42"
    assert step_of(ref) == "GroupStories/Candidates"
    assert step_of(ref, depth=1) == "GroupStories"
    assert step_of("ExtractArticles/Extract/ParDo(ExtractArticleFn)") == "ExtractArticles/Extract"


def test_summary_combine_counts_sums_tallies_and_lists_with_defaults() -> None:
    kinds = {"files": "count", "units": "sum", "reasons": "tally", "written": "list"}
    fn = SummaryFn(kinds)
    assert fn.extract_output(fn.create_accumulator()) == {
        "files": 0,
        "units": 0,
        "reasons": {},
        "written": [],
    }
    left, right = fn.create_accumulator(), fn.create_accumulator()
    for entry in [("files", 1), ("units", 3), ("reasons", "empty"), ("written", {"p": "b"})]:
        left = fn.add_input(left, entry)
    for entry in [("files", 1), ("units", 2), ("reasons", "empty"), ("written", {"p": "a"})]:
        right = fn.add_input(right, entry)
    out = fn.extract_output(fn.merge_accumulators([left, right]))
    assert out == {
        "files": 2,
        "units": 5,
        "reasons": {"empty": 2},
        "written": [{"p": "a"}, {"p": "b"}],
    }
