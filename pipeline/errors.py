"""Errors the command line reports with exit code 2 (Beam-free, so `--help` stays fast)."""

from __future__ import annotations


class UsageError(Exception):
    """The run cannot start as asked (bad flags, missing inputs, unusable output)."""
