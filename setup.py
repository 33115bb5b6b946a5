"""Cloud workers (Dataflow --setup_file) install wirestory with this; metadata: pyproject.toml."""

from setuptools import setup

setup()
