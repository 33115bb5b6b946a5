"""Cloud workers (Dataflow --setup_file) install wirestory through this file; metadata is in pyproject.toml."""

from setuptools import setup

setup()
