"""Progress counts from inside the pipeline, for the live display of a local run (no Beam here).

Each step that counts passes its elements through write.LogProgressFn, which adds to a Beam counter
(visible in any runner's monitoring) and, when the local command line set WIRESTORY_PROGRESS_DIR,
to a per-process JSON file there: the in-process FnApiRunner and its `--workers N` subprocesses
all report the same way, and the display (pipeline/progress.py) sums the files. Elsewhere (cloud
workers) the variable is unset and only the counter counts.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter

ENV = "WIRESTORY_PROGRESS_DIR"
STAGES = ("matched", "read", "extracted", "grouped", "written")
_WRITE_EVERY = 0.5  # seconds between a process's file updates


class _Reporter:
    """This process's counts, written to DIR/<pid>.json at most every _WRITE_EVERY seconds."""

    def __init__(self, directory: str) -> None:
        self._path = os.path.join(directory, f"{os.getpid()}.json")
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._written = 0.0

    def add(self, stage: str, n: int) -> None:
        with self._lock:
            self._counts[stage] += n
            if time.monotonic() - self._written >= _WRITE_EVERY:
                self._write()

    def flush(self) -> None:
        with self._lock:
            self._write()

    def _write(self) -> None:
        self._written = time.monotonic()
        temporary = f"{self._path}.{threading.get_ident()}.tmp"
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(self._counts, handle)
            os.replace(temporary, self._path)
        except OSError:  # the display went away (the run is ending): counting goes on
            pass


_reporters: dict[tuple[int, str], _Reporter] = {}
_reporters_lock = threading.Lock()


def _reporter() -> _Reporter | None:
    directory = os.environ.get(ENV)
    if not directory:
        return None
    key = (os.getpid(), directory)  # a forked worker gets its own file
    with _reporters_lock:
        if key not in _reporters:
            _reporters[key] = _Reporter(directory)
        return _reporters[key]


def report(stage: str, n: int = 1) -> None:
    """Adds n to a stage's count for the display (a no-op outside a local command-line run)."""
    reporter = _reporter()
    if reporter is not None:
        reporter.add(stage, n)


def flush() -> None:
    """Writes this process's counts now (end of a bundle)."""
    reporter = _reporter()
    if reporter is not None:
        reporter.flush()


MAIN_PID = "WIRESTORY_MAIN_PID"
_detached: set[int] = set()


def leave_interrupts_to_the_main_process() -> None:
    """In a local worker process (not the command line's own), ignores SIGINT.

    A terminal's Ctrl-C reaches every process of its group, and each Beam worker process would
    print a KeyboardInterrupt traceback; the command line stops them all itself (signals.py).
    Set through libc, since Python sets handlers only from a main thread and this runs in a
    worker thread. A no-op outside a command-line run (the variable is unset).
    """
    main = os.environ.get(MAIN_PID)
    if not main or main == str(os.getpid()) or os.getpid() in _detached:
        return
    _detached.add(os.getpid())
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None)
        libc.signal.restype = ctypes.c_void_p
        libc.signal.argtypes = (ctypes.c_int, ctypes.c_void_p)
        libc.signal(int(signal.SIGINT), 1)  # 1 is SIG_IGN
    except (OSError, AttributeError, ValueError):  # no libc to call: tracebacks, nothing worse
        pass
