"""Pipeline options: wirestory's own flags on top of Beam's PipelineOptions."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions
from wirestory.transforms.containers import JsonFields
from wirestory.transforms.extractors import ExtractionSettings
from wirestory.transforms.read import ReadLimits
from wirestory.transforms.signatures import MinHashParams

DEFAULTS = MinHashParams.__dataclass_fields__
_LIMITS = ReadLimits()


class WirestoryOptions(PipelineOptions):
    """Inputs, output and algorithm settings; every Beam option passes through unchanged."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        parser.add_argument(
            "--input",
            dest="inputs",
            action="append",
            default=[],
            help="File, directory (recursed) or glob on any Beam filesystem. Repeatable.",
        )
        parser.add_argument("--output", help="Output directory (local, gs://, s3://, ...).")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            default=False,
            help="Replace an existing wirestory output directory.",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULTS["threshold"].default,
            help="Jaccard similarity of the shingle sets at which two articles join (and so "
            "may join their stories).",
        )
        parser.add_argument(
            "--containment",
            type=float,
            default=DEFAULTS["containment"].default,
            help="Share of a shorter copy found in a longer one (lead included) that attaches it "
            "to the longer one's story.",
        )
        parser.add_argument(
            "--shingle_size",
            "--shingle-size",
            dest="shingle_size",
            type=int,
            default=DEFAULTS["shingle_size"].default,
            help="Words per shingle.",
        )
        parser.add_argument(
            "--num_perm",
            "--num-perm",
            dest="num_perm",
            type=int,
            default=DEFAULTS["num_perm"].default,
            help="MinHash permutations per signature.",
        )
        parser.add_argument(
            "--max_story_size",
            "--max-story-size",
            dest="max_story_size",
            type=int,
            default=DEFAULTS["max_story_size"].default,
            help="A story larger than this (template pages, a bad input) is labelled without "
            "gathering its members and listed in the summary.",
        )
        parser.add_argument(
            "--cc_rounds",
            "--cc-rounds",
            dest="cc_rounds",
            type=int,
            default=None,
            help="Connected-components rounds in the graph (default: sized from the input).",
        )
        parser.add_argument(
            "--max_file_bytes",
            "--max-file-bytes",
            dest="max_file_bytes",
            type=int,
            default=_LIMITS.max_file_bytes,
            help="Largest input file read, in bytes; larger files are rejected as too_large.",
        )
        parser.add_argument(
            "--max_decompressed_bytes",
            "--max-decompressed-bytes",
            dest="max_decompressed_bytes",
            type=int,
            default=_LIMITS.max_decompressed_bytes,
            help="Largest decompressed size of a .gz input; beyond it the file is too_large.",
        )

        parser.add_argument(
            "--max_extract_seconds",
            "--max-extract-seconds",
            dest="max_extract_seconds",
            type=float,
            default=ExtractionSettings.max_seconds,
            help="Time limit for extracting one document; beyond it the document is a timeout.",
        )
        parser.add_argument(
            "--max_extract_memory",
            "--max-extract-memory",
            dest="max_extract_memory",
            type=int,
            default=ExtractionSettings.max_memory_bytes,
            help="Address-space limit in bytes of each extractor process.",
        )

        parser.add_argument(
            "--extract_processes",
            "--extract-processes",
            dest="extract_processes",
            type=int,
            default=0,
            help="Extractor processes per Beam worker (default: the local runner uses every "
            "core across its workers; other runners 1, as they run one worker per core).",
        )

        parser.add_argument(
            "--json_fields",
            "--json-fields",
            dest="json_field_names",
            default="",
            help="JSON Lines field names as role=name pairs, e.g. html=content,url=link "
            "(roles: html, text, url, title, published, id).",
        )

    def json_fields(self) -> JsonFields:
        """JSON Lines field names, defaults overridden by --json-fields."""
        pairs = [p.split("=", 1) for p in self.json_fields_spec() if p]
        unknown = [role for role, *_ in pairs if role not in JsonFields.__dataclass_fields__]
        if unknown or any(len(p) != 2 for p in pairs):
            raise ValueError(f"--json-fields takes role=name pairs, got {self.json_field_names!r}")
        return JsonFields(**dict(pairs))

    def json_fields_spec(self) -> list[str]:
        """The --json-fields pairs as given."""
        return [part.strip() for part in (self.json_field_names or "").split(",")]

    def minhash_params(self) -> MinHashParams:
        """The similarity settings these options ask for."""
        return MinHashParams(
            num_perm=self.num_perm,
            shingle_size=self.shingle_size,
            threshold=self.threshold,
            containment=self.containment,
            max_story_size=self.max_story_size,
        )

    def read_limits(self) -> ReadLimits:
        """The read limits these options ask for."""
        return ReadLimits(self.max_file_bytes, self.max_decompressed_bytes)

    def extraction_settings(self) -> ExtractionSettings:
        """The extraction settings these options ask for."""
        return ExtractionSettings(
            max_seconds=self.max_extract_seconds, max_memory_bytes=self.max_extract_memory
        )
