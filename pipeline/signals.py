"""Ctrl-C and SIGTERM: stop the whole run within seconds, leave nothing half-written.

While `handled()` is active (the command line wraps each run in it), SIGINT or SIGTERM:
stops the progress display, cancels a remote job where the runner allows it (Dataflow, and the
Job API runners), kills every process the run started (Beam workers, extractor children),
removes the partial output, prints one line and exits 130 (SIGINT) or 143 (SIGTERM).

The exit is immediate (os._exit): Beam's worker threads and gRPC channels cannot be unwound
from a signal handler, and a KeyboardInterrupt raised into them is what printed 60-118 lines
of unrelated tracebacks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

_LOG = logging.getLogger("wirestory")
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
_NAMES = {signal.SIGINT: "SIGINT (Ctrl-C)", signal.SIGTERM: "SIGTERM"}


class _State:
    """What an interrupt must stop: the pipeline being run and the cleanups registered."""

    def __init__(self) -> None:
        self.pipeline: Any = None
        self.cleanups: list[Callable[[], None]] = []


_state: _State | None = None


def watch(pipeline: Any) -> None:
    """Remembers the pipeline being run, so that an interrupt can cancel its remote job."""
    if _state is not None:
        _state.pipeline = pipeline


def on_interrupt(cleanup: Callable[[], None]) -> None:
    """Registers a cleanup to run on an interrupt, newest first (e.g. stopping the display)."""
    if _state is not None:
        _state.cleanups.insert(0, cleanup)


def _cancel_remote(pipeline: Any) -> str:
    """Cancels the submitted job unless it runs in this process; returns what happened."""
    result = getattr(pipeline, "result", None)
    if result is None or type(result).__module__.startswith(
        "apache_beam.runners.portability.fn_api_runner"
    ):
        return ""
    try:
        result.cancel()
        return "; the remote job was cancelled"
    except Exception as err:  # the runner may not support it, or the job already ended
        return f"; cancelling the remote job failed ({type(err).__name__}), check the console"


def kill_descendants() -> int:
    """Kills every process this one started (recursively); returns how many."""
    import psutil
    from wirestory.transforms.isolation import kill_children

    killed = kill_children()
    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return killed
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(children, timeout=3)
    return killed + len(children)


def _handle(signum: int, _frame: Any) -> None:
    for sig in EXIT_CODES:  # a second Ctrl-C must not interrupt the cleanup
        signal.signal(sig, signal.SIG_IGN)
    state = _state or _State()
    for cleanup in state.cleanups:
        try:
            cleanup()
        except Exception:  # cleanup is best effort; the exit must happen
            _LOG.debug("cleanup failed", exc_info=True)
    remote = _cancel_remote(state.pipeline) if state.pipeline is not None else ""
    sys.stdout.flush()
    sys.stderr.flush()
    # Beam's threads report the workers' end as tracebacks: they go nowhere from here on.
    terminal = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    kill_descendants()
    line = f"wirestory: interrupted by {_NAMES[signal.Signals(signum)]}; "
    os.write(terminal, f"{line}partial output removed{remote}\n".encode())
    os._exit(EXIT_CODES[signal.Signals(signum)])


def output_remover(directory: str | None) -> Callable[[], None]:
    """A discard() for handled(): if this run created the output directory (local), removes
    it when it is still empty. (A run builds its dataset beside the output and registers the
    removal of that itself, with on_interrupt.)"""
    local = directory and "://" not in directory
    existed = bool(local and os.path.exists(directory))

    def discard() -> None:
        if not directory:
            return
        if local and not existed and os.path.isdir(directory) and not os.listdir(directory):
            os.rmdir(directory)

    return discard


@contextlib.contextmanager
def handled(discard: Callable[[], None] | None = None) -> Iterator[None]:
    """Handles SIGINT and SIGTERM for the duration; discard() removes the partial output.

    Outside the main thread (where signal handlers cannot be set) this does nothing.
    """
    global _state
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from wirestory.transforms.progress import MAIN_PID

    previous = {sig: signal.getsignal(sig) for sig in EXIT_CODES}
    os.environ[MAIN_PID] = str(os.getpid())  # worker processes leave Ctrl-C to this one
    _state = _State()
    if discard is not None:
        _state.cleanups.append(discard)
    for sig in EXIT_CODES:
        signal.signal(sig, _handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.environ.pop(MAIN_PID, None)
        _state = None
