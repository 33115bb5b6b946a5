"""Where a batch's seconds go: execution time per pipeline step from the runner's metrics.

Beam's SDK harness samples the time each operation of a fused stage spends in start_bundle,
process and finish_bundle (the TOTAL_MSECS monitoring info, per leaf transform). They are summed
per step, a step being the first `depth` parts of the transform's label (`GroupStories/
Candidates`). Time a step spends waiting for the next step of its own fused stage counts in
the step it waits on; the runner's own work between stages (shuffles, encoding for the data
plane) is in no step: it is the pipeline's wall time less the steps' sum.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_LOG = logging.getLogger("wirestory")
# FnApiRunner names a leaf transform "ref_AppliedPTransform_<label with / as ->_<n>"; its data
# channel reads and writes are "<stage>/Read" and "<stage>/Write", i.e. the runner's shuffles.
_REF = re.compile(r"^ref_AppliedPTransform_(?P<label>.+?)_\d+$")


def _label(transform_id: str) -> str:
    found = _REF.match(transform_id)
    return found.group("label").replace("-", "/") if found else transform_id


def step_of(transform_id: str, depth: int = 2) -> str:
    """The step a leaf transform belongs to: the first `depth` parts of its label."""
    label = _label(transform_id)
    if "ref_PCollection" in label or label.endswith(("/Read", "/Write")):
        return "(data plane: shuffle reads and writes)"
    return "/".join(label.split("/")[:depth])


def step_seconds(result: Any, depth: int = 2) -> dict[str, float]:
    """Seconds per step of a finished pipeline, largest first; {} where the runner reports no
    execution times (the metrics are best effort: never fail a batch over them)."""
    try:
        from apache_beam.metrics import monitoring_infos as mi

        infos = list(result.monitoring_infos())
    except Exception:  # a runner without monitoring infos, or a failed query
        _LOG.debug("no execution times from the runner", exc_info=True)
        return {}
    totals: dict[str, float] = {}
    for info in infos:
        if info.urn != mi.TOTAL_MSECS_URN:
            continue
        step = step_of(info.labels.get(mi.PTRANSFORM_LABEL, "?"), depth)
        totals[step] = totals.get(step, 0.0) + mi.extract_counter_value(info) / 1000.0
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    return {step: round(seconds, 3) for step, seconds in ranked if seconds > 0}
