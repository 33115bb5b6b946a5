"""Pipeline options: wirestory's own flags on top of Beam's PipelineOptions."""

from __future__ import annotations

from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions
from wirestory.pipeline import flags
from wirestory.transforms.chrome import ChromeRule
from wirestory.transforms.containers import JsonFields
from wirestory.transforms.extractors import ExtractionSettings
from wirestory.transforms.read import ReadLimits
from wirestory.transforms.signatures import MinHashParams


class WirestoryOptions(PipelineOptions):
    """Inputs, output and algorithm settings; every Beam option passes through unchanged."""

    @classmethod
    def _add_argparse_args(cls, parser) -> None:
        flags.add_wirestory_flags(parser)

    def check_ranges(self, workers: int | None = None) -> None:
        """Raises UsageError (one line) for the first option out of its range."""
        flags.validate({name: getattr(self, name) for name in flags.DEFAULTS}, workers)

    def json_fields(self) -> JsonFields:
        """JSON Lines field names, defaults overridden by --json-fields."""
        return JsonFields(**flags.json_field_pairs(self.json_field_names))

    def minhash_params(self) -> MinHashParams:
        """The similarity settings these options ask for."""
        return MinHashParams(
            num_perm=self.num_perm,
            shingle_size=self.shingle_size,
            threshold=self.threshold,
            containment=self.containment,
            max_story_size=self.max_story_size,
        )

    def similarity_overrides(self) -> dict[str, Any]:
        """Similarity settings given with values other than the defaults."""
        current = {
            "num_perm": self.num_perm,
            "shingle_size": self.shingle_size,
            "threshold": self.threshold,
            "containment": self.containment,
        }
        return {k: v for k, v in current.items() if v != flags.DEFAULTS[k]}

    def read_limits(self) -> ReadLimits:
        """The read limits these options ask for."""
        return ReadLimits(self.max_file_bytes, self.max_decompressed_bytes)

    def extraction_settings(self) -> ExtractionSettings:
        """The extraction settings these options ask for."""
        return ExtractionSettings(
            max_seconds=self.max_extract_seconds, max_memory_bytes=self.max_extract_memory
        )

    def chrome_rule(self) -> ChromeRule | None:
        """The page-chrome rule these options ask for; None when chrome is kept."""
        pages = getattr(self, "chrome_min_pages", flags.DEFAULTS["chrome_min_pages"])
        share = getattr(self, "chrome_min_share", flags.DEFAULTS["chrome_min_share"])
        repeated = getattr(self, "chrome_repeated_share", flags.DEFAULTS["chrome_repeated_share"])
        if not pages:
            return None
        return ChromeRule(min_pages=pages, min_share=share, repeated_share=repeated)
