"""Progress: counts from the pipeline's steps (in-process or worker processes) reach the display;
a terminal gets a live display, anything else periodic log lines."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from wirestory.pipeline import cli, progress, signals
from wirestory.transforms import progress as counting

from tests.conftest import SHARED


def test_counts_reported_anywhere_in_the_process_reach_the_log_lines(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(counting.ENV, str(tmp_path))
    for _ in range(3):
        counting.report("read")
    counting.report("extracted", 2)
    counting.flush()
    monitor = progress.Monitor(str(tmp_path), [str(SHARED / "seeds")], io.StringIO(), 0.2)
    monitor.start()
    monitor.stop()
    assert monitor.totals["matched"] == 5 and monitor.totals["read"] == 5  # pages: 1 doc each
    assert monitor.lines[-1].startswith("progress: matched 0/5, read 3/5, extracted 2/5, ")
    assert "documents/s" in monitor.lines[-1] and "left to extract" in monitor.lines[-1]


def test_the_display_is_live_on_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv(counting.ENV, str(tmp_path))
    counting.report("matched", 5)
    counting.flush()
    screen = Terminal()
    monitor = progress.Monitor(str(tmp_path), [str(SHARED / "seeds")], screen)
    monitor.start()
    time.sleep(1.5)
    monitor.stop()
    assert "matched" in screen.getvalue() and "5/5" in screen.getvalue()
    assert monitor.lines == []  # no log lines on a terminal


@pytest.mark.parametrize("workers", [None, 2])
def test_a_local_run_logs_every_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workers: int | None
) -> None:
    argv = ["run", str(SHARED / "seeds"), "--output", str(tmp_path / "out")]
    argv += ["--workers", str(workers)] if workers else []
    assert cli.main(argv) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "progress:" in line]
    assert lines, "no progress line"
    assert re.search(
        r"progress: matched 5/5, read 5/5, extracted 5/5, grouped 5, written 10; \d+ s elapsed",
        lines[-1],
    ), lines[-1]


def test_quiet_and_remote_runs_show_no_progress(tmp_path: Path) -> None:
    with progress.shown(["x"], enabled=False) as monitor:
        assert monitor is None


def test_an_interrupt_cancels_a_remote_job_but_not_a_local_one() -> None:
    class RemoteResult:
        cancelled = False

        def cancel(self) -> None:
            self.cancelled = True

    class Pipeline:
        result = RemoteResult()

    assert "cancelled" in signals._cancel_remote(Pipeline())
    assert Pipeline.result.cancelled
    from apache_beam.runners.portability.fn_api_runner.fn_runner import RunnerResult

    class Local:
        result = RunnerResult.__new__(RunnerResult)

    assert signals._cancel_remote(Local()) == ""
