"""Assembles the wirestory pipeline from the step transforms."""

from __future__ import annotations

import apache_beam as beam
from wirestory.pipeline.options import WirestoryOptions
from wirestory.transforms.candidates import FindSimilarPairs
from wirestory.transforms.chrome import CountChromeLines, RemoveChrome
from wirestory.transforms.components import DEFAULT_ROUNDS
from wirestory.transforms.containers import SKIPPED, ReadContainers
from wirestory.transforms.extract import ExtractArticles
from wirestory.transforms.extractors import ExtractionSettings
from wirestory.transforms.grouping import GroupMatches
from wirestory.transforms.read import CONTAINERS, REJECTS, UNITS, MatchInputs, ReadDocuments
from wirestory.transforms.records import ExtractedArticle
from wirestory.transforms.signatures import ComputeSignatures, MinHashParams
from wirestory.transforms.stories import OVERSIZED, STORIES, AssignStories
from wirestory.transforms.write import SummariseRun, WriteTables, log_progress


@beam.typehints.with_input_types(ExtractedArticle)
class GroupStories(beam.PTransform):
    """Articles -> {'articles': article rows, 'stories': story rows, 'oversized': (label, size)
    of the groups above max_story_size, 'signatures': Signature records}, via MinHash LSH and
    exact verification."""

    def __init__(self, params: MinHashParams, cc_rounds: int = DEFAULT_ROUNDS) -> None:
        super().__init__()
        self._params = params
        self._cc_rounds = cc_rounds

    def expand(self, articles: beam.PCollection) -> dict[str, beam.PCollection]:
        signatures = articles | "Signatures" >> ComputeSignatures(self._params)
        matches = signatures | "Candidates" >> FindSimilarPairs(self._params)
        groups = matches | "Clusters" >> GroupMatches(self._cc_rounds)
        inputs = (articles, groups["labels"], groups["matches"], signatures)
        assigned = inputs | "Canonical" >> AssignStories(self._params)
        return {**assigned, "signatures": signatures}


@beam.typehints.with_input_types(str)
class ArticlesFromFiles(beam.PTransform):
    """Input patterns -> matched files, extracted articles and rejects (as table rows)."""

    def __init__(self, patterns: list[str], options: WirestoryOptions) -> None:
        super().__init__()
        self._patterns = patterns
        self._limits = options.read_limits()
        self._settings: ExtractionSettings = options.extraction_settings()
        self._fields = options.json_fields()
        self._processes = max(1, options.extract_processes)

    def expand(self, pbegin: beam.pvalue.PBegin) -> dict[str, beam.PCollection]:
        files = pbegin | "MatchInputs" >> MatchInputs(self._patterns)
        read = files | "ReadDocuments" >> ReadDocuments(self._limits)
        records = read[CONTAINERS] | "ReadContainers" >> ReadContainers(self._limits, self._fields)
        extracted = (
            (read.docs, records["docs"])
            | "AllDocuments" >> beam.Flatten()
            | "ProgressRead" >> log_progress("read")
            | "ExtractArticles" >> ExtractArticles(self._settings, self._processes)
        )
        failed = extracted.rejects | "ProgressExtractRejects" >> log_progress("extracted")
        rejects = (
            (read.rejects, records[REJECTS], failed)
            | "AllRejects" >> beam.Flatten()
            | "RejectRows" >> beam.Map(lambda reject: reject.as_row())
        )
        articles = extracted.articles | "ProgressExtract" >> log_progress("extracted")
        return {
            "files": files,
            "articles": articles,
            "rejects": rejects,
            "skipped": records[SKIPPED],
            UNITS: (read[UNITS], records[UNITS]) | "AllUnits" >> beam.Flatten(),
        }


def build_pipeline(pipeline: beam.Pipeline, options: WirestoryOptions, directory: str) -> None:
    """Adds every step, writing the tables and summary.json under `directory`."""
    inputs = pipeline | "Articles" >> ArticlesFromFiles(options.inputs, options)
    rounds = options.cc_rounds or DEFAULT_ROUNDS
    articles = inputs["articles"]
    rule = options.chrome_rule()
    if rule is not None:  # chrome learned from this run's pages alone (no dataset to keep)
        counts = articles | "CountChrome" >> CountChromeLines()
        articles = articles | "RemoveChrome" >> RemoveChrome(counts, rule)
    grouped = articles | "GroupStories" >> GroupStories(options.minhash_params(), rounds)
    tables = {
        "articles": grouped["articles"] | "ProgressGrouped" >> log_progress("grouped"),
        "stories": grouped[STORIES],
        "rejects": inputs["rejects"],
    }
    _ = tables | "WriteTables" >> WriteTables(directory)
    counted = {
        "inputs": inputs["files"],
        "skipped": inputs["skipped"],
        "oversized": grouped[OVERSIZED],
        UNITS: inputs[UNITS],
        **tables,
    }
    _ = counted | "Summarise" >> SummariseRun(directory)
