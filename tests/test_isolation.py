"""Isolated calls: results, errors, time limit, memory limit and crash recovery."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from wirestory.transforms.isolation import (
    CallTimeout,
    IsolatedFunction,
    IsolatedPool,
    RemoteError,
    WorkerCrashed,
    kill_children,
)


def test_results_and_remote_errors() -> None:
    sqrt = IsolatedFunction("math:sqrt", timeout_s=30)
    try:
        assert sqrt.call(9.0) == 3.0
        with pytest.raises(RemoteError, match="ValueError: math domain error"):
            sqrt.call(-1.0)
        assert sqrt.call(16.0) == 4.0  # the same child keeps serving after an error
    finally:
        sqrt.close()


def test_time_limit_kills_the_call_and_the_next_call_works() -> None:
    sleep = IsolatedFunction("time:sleep", timeout_s=2)
    try:
        sleep.call(0)  # start the child outside the measured call
        started = time.monotonic()
        with pytest.raises(CallTimeout):
            sleep.call(60)
        assert time.monotonic() - started < 20
        assert sleep.call(0) is None
    finally:
        sleep.close()


def test_memory_limit_and_crash_are_reported_not_fatal() -> None:
    alloc = IsolatedFunction("builtins:bytearray", timeout_s=30, memory_bytes=600 * 1024**2)
    crash = IsolatedFunction("os:_exit", timeout_s=30)
    try:
        with pytest.raises(RemoteError, match="MemoryError"):
            alloc.call(4 * 1024**3)
        assert alloc.call(3) == bytearray(3)
        with pytest.raises(WorkerCrashed):
            crash.call(1)
    finally:
        alloc.close()
        crash.close()


def test_pool_keeps_calls_in_flight_and_limits_each_call() -> None:
    pool = IsolatedPool("time:sleep", size=2, timeout_s=3)
    try:
        # Both children take a call at once: neither submit waits for a completion.
        assert pool.submit("a", (0.5,)) == []
        assert pool.submit("b", (0.5,)) == []
        # A third call waits for a free child, and returns what completed meanwhile.
        done = pool.submit("slow", (60,))
        done += pool.submit("c", (0,))
        done += pool.drain()
        outcomes = {key: (result, type(error)) for key, result, error in done}
        assert sorted(outcomes) == ["a", "b", "c", "slow"]  # every call accounted for once
        assert outcomes["slow"] == (None, CallTimeout)
        assert outcomes["a"] == outcomes["b"] == outcomes["c"] == (None, type(None))
        # The killed child is replaced on the next call.
        after = pool.submit("d", (0,)) + pool.submit("e", (0,)) + pool.drain()
        assert sorted((key, error) for key, _, error in after) == [("d", None), ("e", None)]
    finally:
        pool.close()


def test_a_wirestory_folder_in_the_working_directory_cannot_hijack_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "wirestory" / "transforms"
    fake.mkdir(parents=True)
    (tmp_path / "wirestory" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "isolation.py").write_text("raise SystemExit('hijacked')\n")
    (fake / "extractors.py").write_text("def count_words(text):\n    return -1\n")
    monkeypatch.chdir(tmp_path)
    count = IsolatedFunction("wirestory.transforms.extractors:count_words", timeout_s=60)
    try:
        assert count.call("three real words") == 3
    finally:
        count.close()


def test_children_ignore_ctrl_c_die_with_their_parent_and_are_killed_on_request() -> None:
    sleep = IsolatedFunction("time:sleep", timeout_s=60)
    try:
        sleep.call(0)
        process = sleep._process
        assert process is not None
        process.send_signal(signal.SIGINT)  # the terminal's Ctrl-C reaches the whole group
        time.sleep(0.5)
        assert process.poll() is None
        sleep.submit(30)
        assert kill_children() == 1
        assert process.wait(timeout=5) != 0
    finally:
        sleep.close()


def test_a_target_that_cannot_load_answers_every_call_with_why(
    capfd: pytest.CaptureFixture[str],
) -> None:
    broken = IsolatedFunction("wirestory.no_such_module:extract", timeout_s=60)
    try:
        for _ in range(2):
            with pytest.raises(RemoteError, match=r"cannot load wirestory\.no_such_module:extract"):
                broken.call("page")
    finally:
        broken.close()
    assert "Traceback" not in capfd.readouterr().err
