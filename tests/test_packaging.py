"""Packaging: the sdist and wheel hold every module and the command, and the wheel runs alone.

Cloud workers install wirestory from a built package (Dataflow --setup_file, the custom
container), so these tests build one and run it from a fresh venv outside the repository.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from wirestory.pipeline.demo import generate_demo_corpus

from tests.conftest import PROJECT

PACKAGES = ("pipeline", "transforms", "schemas", "runners")
# Copied to build from: what a clean checkout holds, without local build leftovers.
_IGNORE = shutil.ignore_patterns(
    ".*", "__pycache__", "*.egg-info", "build", "dist", "demo", "out", "tests", "benchmarks"
)


def _modules() -> set[str]:
    """Every module of the four packages, as a path relative to the project."""
    return {
        path.relative_to(PROJECT).as_posix()
        for package in PACKAGES
        for path in (PROJECT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An sdist and a wheel built with `python -m build` from a copy of the project."""
    try:
        import build  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("CI must install `build` (the packaging tests build the project)")
        pytest.skip("needs `pip install build`")
    root = tmp_path_factory.mktemp("pkg")
    source = root / "src"
    # A copy keeps the build's egg-info out of the working tree and sees only committed layout.
    shutil.copytree(PROJECT, source, ignore=_IGNORE)
    out = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = out.glob("wirestory-*.whl")
    (sdist,) = out.glob("wirestory-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist, "root": root}


def _wheel_text(wheel: Path, suffix: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/" + suffix)]
        return archive.read(name).decode("utf-8")


def test_wheel_holds_every_module_and_the_command(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as archive:
        files = set(archive.namelist())
    installed = {f"wirestory/{module}" for module in _modules()}
    assert installed <= files, sorted(installed - files)
    # Only the wirestory namespace is installed: no generic top-level `pipeline` or `transforms`.
    assert {f.split("/")[0] for f in files if not f.split("/")[0].endswith(".dist-info")} == {
        "wirestory"
    }
    entry_points = _wheel_text(dist["wheel"], "entry_points.txt")
    assert "wirestory = wirestory.pipeline.cli:main" in entry_points


def test_sdist_holds_every_module_and_the_build_files(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as archive:
        files = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert _modules() <= files, sorted(_modules() - files)
    assert {"pyproject.toml", "setup.py", "README.md"} <= files


def test_metadata_declares_python_versions_and_bounded_dependencies(dist: dict[str, Path]) -> None:
    meta = Parser().parsestr(_wheel_text(dist["wheel"], "METADATA"))
    python = SpecifierSet(meta["Requires-Python"])
    assert python.contains("3.11.0") and not python.contains("3.9.0")
    runtime = [Requirement(r) for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    assert runtime
    for requirement in runtime:
        # A lower bound on every dependency: an old release must never be picked silently.
        assert any(s.operator in (">=", "==", "~=") for s in requirement.specifier), requirement


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level third-party modules imported anywhere in the packages -> importing files."""
    found: dict[str, set[str]] = {}
    for module in _modules():
        tree = ast.parse((PROJECT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "wirestory":
                    found.setdefault(top, set()).add(module)
    return found


def test_every_imported_distribution_is_a_declared_dependency(dist: dict[str, Path]) -> None:
    meta = Parser().parsestr(_wheel_text(dist["wheel"], "METADATA"))
    declared = {
        canonicalize_name(Requirement(r).name)
        for r in meta.get_all("Requires-Dist")
        if "extra ==" not in r
    }
    owners = packages_distributions()
    missing = {}
    for module, files in _third_party_imports().items():
        distributions = {canonicalize_name(d) for d in owners.get(module, [module])}
        if not distributions & declared:
            missing[module] = sorted(files)
    # A module imported but only installed transitively breaks when that dependency changes.
    assert missing == {}


@pytest.fixture(scope="module")
def fresh_venv(dist: dict[str, Path]) -> Path:
    """A new venv with only the wheel and its dependencies, installed from the package index."""
    venv = dist["root"] / "venv"
    # No pip inside: this process's pip installs into it (--python), which skips ensurepip.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "-q"]
    # --no-compile: byte-compiling Beam's many modules would double the install time.
    install = subprocess.run(
        [*pip, "install", "--no-compile", str(dist["wheel"])],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    return venv


def _clean_env() -> dict[str, str]:
    """The environment without anything that points Python at the repository."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_installed_wheel_imports_from_site_packages(fresh_venv: Path, tmp_path: Path) -> None:
    code = "import json, importlib; "
    code += f"mods = [importlib.import_module('wirestory.' + p) for p in {PACKAGES!r}]; "
    code += "print(json.dumps([m.__file__ for m in mods]))"
    result = subprocess.run(
        [str(fresh_venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    for path in json.loads(result.stdout):
        assert Path(path).is_relative_to(fresh_venv), path
        assert not Path(path).is_relative_to(PROJECT), path


def test_installed_command_runs_from_outside_the_repository(
    fresh_venv: Path, tmp_path: Path
) -> None:
    corpus = generate_demo_corpus(tmp_path / "corpus", seed=7)
    (tmp_path / "corpus" / "notes.pdf").write_bytes(b"%PDF-1.4")
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run(
        [str(fresh_venv / "bin" / "wirestory"), "run", "../corpus", "--output", "out", "--quiet"],
        cwd=work,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((work / "out" / "manifest.json").read_text())
    assert manifest["counts"] == {
        "inputs": len(corpus.files) + 1,
        "articles": len(corpus.files),
        "rejects": 1,
        "stories": len(set(corpus.files.values())),
    }
    assert manifest["rejects_by_reason"] == {"unsupported_format": 1}
    assert manifest["versions"]["wirestory"] == "0.1.0"
