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
import struct
import subprocess
import sys
import time
from typing import Any

_HEADER = struct.Struct(">Q")


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

    def _start(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "transforms.isolation", self._target]
        command.append(str(self._memory_bytes or 0))
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def call(self, *args: Any) -> Any:
        """Returns the function's result, or raises CallTimeout, WorkerCrashed or RemoteError."""
        if self._process is None or self._process.poll() is not None:
            self._process = self._start()
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        try:
            _write_frame(process.stdin, args)
            fd, deadline = process.stdout.fileno(), time.monotonic() + self._timeout_s
            (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
            status, value = pickle.loads(_read_exact(fd, size, deadline))
        except (CallTimeout, WorkerCrashed, BrokenPipeError) as err:
            self.close()
            if isinstance(err, BrokenPipeError):
                raise WorkerCrashed("child process exited") from err
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


def _serve(target: str, memory_bytes: int) -> None:
    """Child loop: read argument tuples from stdin, write (status, value) frames to stdout."""
    if memory_bytes:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Anything the function prints must not corrupt the frame stream.
    sys.stdout = sys.stderr
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        (size,) = _HEADER.unpack(header)
        args = pickle.loads(stdin.read(size))
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            reply = ("error", "MemoryError: the document needs more memory than the limit")
        except Exception as err:  # reported to the parent as a reject, never swallowed
            reply = ("error", f"{type(err).__name__}: {err}"[:1000])
        _write_frame(stdout, reply)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
