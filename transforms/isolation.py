"""Runs a function in a child process with a time and memory limit per call.

trafilatura's extract() has no timeout (a 3.7 MB page of 100,000 <p> elements takes ~54 s) and
lxml can use gigabytes on hostile markup. Signals only work in a main thread, which Beam workers
are not, so the limit is enforced from outside: the call runs in a long-lived child process that
is killed and restarted when a call overruns or the child dies.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from typing import Any

_HEADER = struct.Struct(">Q")
# The child's bootstrap. `python -m` (and -c) put the working directory first on sys.path, so
# a folder there named like one of our packages would be imported instead: drop it first.
_BOOTSTRAP = (
    "import sys; sys.path[:] = [p for p in sys.path if p not in ('', '.')]; "
    "from wirestory.transforms.isolation import _serve; _serve(sys.argv[1], int(sys.argv[2]))"
)
# Every live child, so that an interrupted run can stop them all at once (kill_children).
_CHILDREN: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()


class CallTimeout(Exception):
    """The call did not finish within the time limit; the child was killed."""


class WorkerCrashed(Exception):
    """The child died during the call (for example a native crash or the memory limit)."""


class RemoteError(Exception):
    """The function raised in the child; carries the exception's type name and message."""


def _write_frame(stream: Any, payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    """Reads exactly size bytes from fd before the monotonic deadline."""
    chunks, remaining = [], size
    while remaining:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise CallTimeout("no answer before the deadline")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise WorkerCrashed("child process exited")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


class IsolatedFunction:
    """Calls `module:function` in a child process, one call at a time, with limits."""

    def __init__(self, target: str, timeout_s: float, memory_bytes: int | None = None) -> None:
        self._target = target
        self._timeout_s = timeout_s
        self._memory_bytes = memory_bytes
        self._process: subprocess.Popen[bytes] | None = None
        self.deadline = 0.0

    def _start(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", _BOOTSTRAP, self._target, str(self._memory_bytes or 0)]
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        _CHILDREN.add(process)
        return process

    def call(self, *args: Any) -> Any:
        """Returns the function's result, or raises CallTimeout, WorkerCrashed or RemoteError."""
        self.submit(*args)
        return self.receive()

    def submit(self, *args: Any) -> None:
        """Sends one call to the child (starting it if needed); its time limit starts now."""
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        assert self._process.stdin is not None
        try:
            _write_frame(self._process.stdin, args)
        except (BrokenPipeError, OSError) as err:
            self.close()
            raise WorkerCrashed("child process exited") from err
        self.deadline = time.monotonic() + self._timeout_s

    def fileno(self) -> int:
        """The child's reply stream, readable once the submitted call has finished."""
        assert self._process is not None and self._process.stdout is not None
        return self._process.stdout.fileno()

    def receive(self) -> Any:
        """The submitted call's result; raises like call(), waiting at most until the deadline."""
        try:
            fd = self.fileno()
            (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, self.deadline))
            status, value = pickle.loads(_read_exact(fd, size, self.deadline))
        except (CallTimeout, WorkerCrashed):
            self.close()
            raise
        if status == "error":
            raise RemoteError(value)
        return value

    def close(self) -> None:
        """Stops the child process, killing it if it does not exit at once."""
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        if process.poll() is None:
            process.kill()
        process.wait()


Completion = tuple[Any, Any, Exception | None]


class IsolatedPool:
    """Several IsolatedFunction children, each serving one call at a time.

    submit() returns as soon as a child has taken the call, so the caller keeps working while
    the children run. Each call keeps its own time limit, counted from when a child took it.
    """

    def __init__(
        self, target: str, size: int, timeout_s: float, memory_bytes: int | None = None
    ) -> None:
        if size < 1:
            raise ValueError(f"pool size must be >= 1, got {size}")
        self._idle = [IsolatedFunction(target, timeout_s, memory_bytes) for _ in range(size)]
        self._busy: dict[IsolatedFunction, Any] = {}

    def submit(self, key: Any, args: tuple[Any, ...]) -> list[Completion]:
        """Hands a call to a free child, waiting for one if all are busy.

        Returns the calls that completed meanwhile as (key, result, None) or (key, None, error).
        """
        done = self._collect(block=False)
        while not self._idle:
            done += self._collect(block=True)
        child = self._idle.pop()
        try:
            child.submit(*args)
            self._busy[child] = key
        except WorkerCrashed as err:
            self._idle.append(child)
            done.append((key, None, err))
        return done

    def drain(self) -> list[Completion]:
        """Waits for every call in flight; returns their completions."""
        done: list[Completion] = []
        while self._busy:
            done += self._collect(block=True)
        return done

    def _collect(self, block: bool) -> list[Completion]:
        """Completions ready now; with block, waits until at least one (or a deadline) arrives."""
        if not self._busy:
            return []
        wait = 0.0
        if block:
            wait = max(0.0, min(child.deadline for child in self._busy) - time.monotonic())
        readable, _, _ = select.select([c.fileno() for c in self._busy], [], [], wait)
        now = time.monotonic()
        done: list[Completion] = []
        for child in [c for c in self._busy if c.fileno() in readable or c.deadline <= now]:
            key = self._busy.pop(child)
            self._idle.append(child)
            try:
                done.append((key, child.receive(), None))
            except (CallTimeout, WorkerCrashed, RemoteError) as err:
                done.append((key, None, err))
        return done

    def close(self) -> None:
        """Stops every child; calls in flight are abandoned."""
        for child in [*self._idle, *self._busy]:
            child.close()
        self._idle.extend(self._busy)
        self._busy.clear()


def kill_children() -> int:
    """Kills every extractor child of this process at once; returns how many were alive."""
    killed = 0
    for process in list(_CHILDREN):
        if process.poll() is None:
            process.kill()
            killed += 1
    return killed


def _exit_when_orphaned(parent: int) -> None:
    """Ends the child as soon as its parent is gone (killed, or exited without closing)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _serve(target: str, memory_bytes: int) -> None:
    """Child loop: read argument tuples from stdin, write (status, value) frames to stdout."""
    # Ctrl-C reaches the whole foreground process group: the parent decides, the child obeys.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    module_name, function_name = target.split(":")
    try:
        function = getattr(importlib.import_module(module_name), function_name)
    except BaseException as err:  # a broken install: every call says why, no traceback
        failure = f"cannot load {target}: {type(err).__name__}: {err}"[:1000]

        def function(*_: Any) -> Any:
            raise RuntimeError(failure)

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything the function prints must not corrupt the frame stream.
    sys.stdout = sys.stderr
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        data = stdin.read(size)
        try:
            reply: tuple[str, Any] = ("ok", function(*pickle.loads(data)))
        except MemoryError:
            reply = ("error", "MemoryError: the document needs more memory than the limit")
        except Exception as err:  # reported to the parent as a reject, never swallowed
            reply = ("error", f"{type(err).__name__}: {err}"[:1000])
        _write_frame(stdout, reply)
