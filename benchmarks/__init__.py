"""Benchmarks and quality gates; run as scripts (see benchmarks/README.md)."""
