"""Ctrl-C and SIGTERM in the middle of a run: one line, exit 130/143, no processes, no output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest


def _slow_corpus(root: Path) -> None:
    """Pages whose extraction takes tens of seconds, so the signal lands mid-stage."""
    root.mkdir()
    many = "".join(f"<p>Paragraph {i} of a very long page.</p>" for i in range(120_000))
    for i in range(3):
        (root / f"long{i}.html").write_text(f"<html><body>{many}</body></html>")


def _extractors(process: psutil.Process) -> list[psutil.Process]:
    found = []
    for child in process.children(recursive=True):
        try:
            if "isolation import _serve" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.mark.parametrize(
    ("sig", "code", "name", "workers"),
    [
        (signal.SIGINT, 130, "SIGINT", "1"),
        (signal.SIGTERM, 143, "SIGTERM", "1"),
        # A terminal's Ctrl-C reaches the whole process group: Beam's worker processes too.
        (signal.SIGINT, 130, "SIGINT", "2"),
    ],
)
def test_a_signal_mid_run_stops_everything_within_seconds(
    tmp_path: Path, sig: signal.Signals, code: int, name: str, workers: str
) -> None:
    _slow_corpus(tmp_path / "in")
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "wirestory.pipeline.cli",
        "run",
        str(tmp_path / "in"),
        "--output",
        str(out),
        "--max-extract-seconds",
        "120",
        "--extract-processes",
        "2",
        "--workers",
        workers,
    ]
    run = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        process = psutil.Process(run.pid)
        deadline = time.monotonic() + 120
        while not _extractors(process) and time.monotonic() < deadline:
            time.sleep(0.2)
        children = _extractors(process)
        assert children, "extraction never started"
        time.sleep(1.0)  # the children are busy extracting now
        sent = time.monotonic()
        if workers == "1":
            run.send_signal(sig)
        else:
            os.killpg(run.pid, sig)
        _, err = run.communicate(timeout=30)
        assert time.monotonic() - sent < 5
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == code
    last = [line for line in err.splitlines() if line.startswith("wirestory:")]
    assert last == [
        f"wirestory: interrupted by {name}"
        + (" (Ctrl-C)" if name == "SIGINT" else "")
        + "; partial output removed"
    ]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, "extractor children survived"
    assert not out.exists(), "the output folder was left behind"


def test_handlers_are_installed_only_for_the_run_and_the_pipeline_is_watched() -> None:
    from wirestory.pipeline import signals

    before = signal.getsignal(signal.SIGINT)
    pipeline = object()
    with signals.handled():
        assert signal.getsignal(signal.SIGINT) is signals._handle
        assert signal.getsignal(signal.SIGTERM) is signals._handle
        assert os.environ["WIRESTORY_MAIN_PID"] == str(os.getpid())
        signals.watch(pipeline)
        assert signals._state is not None and signals._state.pipeline is pipeline
    assert signal.getsignal(signal.SIGINT) is before
    assert "WIRESTORY_MAIN_PID" not in os.environ
