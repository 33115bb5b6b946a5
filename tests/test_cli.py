"""The command line: unknown flags, option ranges, help, version, one-line errors, exit codes."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from wirestory.pipeline import cli, flags
from wirestory.pipeline.errors import UsageError

from tests.conftest import SHARED


def _run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = cli.main(argv)
    return code, capsys.readouterr().err.strip().splitlines()


def test_an_unknown_flag_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code, err = _run_cli(
        ["run", str(SHARED / "seeds"), "--output", str(out), "--treshold", "0.5"], capsys
    )
    assert code == 2
    assert err == [
        "wirestory: error: unknown option --treshold (did you mean --threshold?); see --help"
    ]
    assert not out.exists()


def test_beam_options_still_pass_through() -> None:
    flags.check_known(
        ["--project", "p", "--temp_location=/tmp/t", "--flink_master=h:8081", "--experiments=x"]
    )
    with pytest.raises(UsageError, match="--max-num-workerz"):
        flags.check_known(["--max-num-workerz=3"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--containment", "5"], "--containment must be in (0, 1], got 5.0"),
        (["--threshold", "0"], "--threshold must be in (0, 1), got 0.0"),
        (["--threshold", "nan"], "--threshold must be in (0, 1), got nan"),
        (["--workers", "0"], "--workers must be >= 1, got 0"),
        (["--shingle-size", "0"], "--shingle-size must be >= 1, got 0"),
        (["--num-perm", "1"], "--num-perm must be >= 2, got 1"),
        (["--cc-rounds", "0"], "--cc-rounds must be >= 1, got 0"),
        (["--max-file-bytes", "-1"], "--max-file-bytes must be >= 1, got -1"),
        (["--max-decompressed-bytes", "0"], "--max-decompressed-bytes must be >= 1, got 0"),
        (["--max-extract-seconds", "-2"], "--max-extract-seconds must be > 0, got -2.0"),
        (["--max-extract-memory", "-1"], "--max-extract-memory must be >= 0, got -1"),
        (["--extract-processes", "-1"], "--extract-processes must be >= 0, got -1"),
        (["--json-fields", "body"], "--json-fields takes role=name pairs"),
        (["--json-fields", "html=content,colour=red"], "got 'colour=red'"),
        (["--threshold", "abc"], "invalid float value: 'abc'"),
        (["--runner", "flnk"], "--runner must be local, portable, dataflow, flink, spark or a"),
    ],
)
def test_every_option_is_validated_with_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) if extra[-1] == "abc" else _no_exit() as exited:
        code, err = _run_cli(["run", str(SHARED / "seeds"), "--output", str(out), *extra], capsys)
    if exited is not None:
        code, err = exited.value.code, capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("wirestory: error: ") and message in err[0]
    assert not out.exists()


class _no_exit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


def test_help_shows_defaults_required_and_hyphenated_spellings_first() -> None:
    parser = cli._parser()
    text = parser._subparsers._group_actions[0].choices["run"].format_help()  # type: ignore[union-attr]
    assert "usage: wirestory run INPUT [INPUT ...] --output DIR [options]" in text
    flat = " ".join(text.split())
    assert "Required. Output directory" in flat and "Required (or --input)" in flat
    assert "(default: 0.4)" in flat and "(default: 128)" in flat and "(default: local)" in flat
    for name in ("shingle", "num", "cc", "max", "extract", "json"):
        for line in text.splitlines():
            if line.strip().startswith(f"--{name}"):
                assert "_" not in line.split()[0], line


# Modules `wirestory --help` and `--version` must not load: each costs a second or more.
_HEAVY = ("apache_beam", "numba", "trafilatura", "deltalake", "pyarrow", "lxml", "numpy")


def _wirestory_command() -> list[str]:
    """The installed console script (what a person types), else the CLI module."""
    script = Path(sys.executable).with_name("wirestory")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "wirestory.pipeline.cli"]


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["run", "--help"], ["ingest", "--help"], ["stream", "--help"]],
)
def test_help_and_version_import_no_beam_nor_other_heavy_modules(argv: list[str]) -> None:
    command = _wirestory_command()
    if command[0] != sys.executable:  # the script runs under this interpreter, with -X importtime
        command = [sys.executable, *command]
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:], *argv],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    expected = "wirestory 0.1.0" if argv == ["--version"] else "usage:"
    assert expected in result.stdout
    # -X importtime writes one line per imported module: "import time: self | cumulative | name".
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "wirestory" in imported, "no import log: -X importtime ignored?"
    assert not imported & set(_HEAVY), sorted(imported & set(_HEAVY))


def test_runner_names_match_the_profiles() -> None:
    from wirestory.pipeline.runner import ALIASES

    assert set(flags.RUNNERS) == set(ALIASES)


def test_flag_defaults_match_the_settings_they_feed() -> None:
    from wirestory.transforms.extractors import ExtractionSettings
    from wirestory.transforms.read import ReadLimits
    from wirestory.transforms.signatures import MinHashParams

    params, limits, settings = MinHashParams(), ReadLimits(), ExtractionSettings()
    expected = {
        **{k: getattr(params, k) for k in ("threshold", "containment", "shingle_size", "num_perm")},
        **dataclasses.asdict(limits),
        "max_extract_seconds": settings.max_seconds,
        "max_extract_memory": settings.max_memory_bytes,
    }
    assert {k: flags.DEFAULTS[k] for k in expected} == expected


def test_a_folder_with_foreign_files_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, err = _run_cli(["run", str(SHARED / "seeds"), "--output", str(out)], capsys)
    assert code == 2 and len(err) == 1
    assert "give a new or empty --output directory" in err[0]
    assert "use --overwrite" not in err[0]
    assert (out / "notes.txt").read_text() == "mine"
