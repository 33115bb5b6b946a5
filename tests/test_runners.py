"""Runners: name resolution, identical tables on every local runner, the offline Dataflow graph."""

from __future__ import annotations

import argparse
import json
import os
import re
import tarfile
from importlib import metadata
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
import wirestory.pipeline.run
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions, PortableOptions
from apache_beam.portability.api import beam_runner_api_pb2
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from wirestory.pipeline import cli
from wirestory.pipeline import runner as profiles
from wirestory.pipeline.assembly import build_pipeline
from wirestory.pipeline.demo import generate_demo_corpus
from wirestory.pipeline.errors import UsageError
from wirestory.pipeline.options import WirestoryOptions
from wirestory.runners import dataflow, dataflow_launch

from tests.conftest import PROJECT

RUNNERS = PROJECT / "runners"
IMAGE = "europe-west1-docker.pkg.dev/wirestory-test/images/wirestory:0.1.0"
PACKAGES = ("pipeline", "transforms", "schemas", "runners")
# The steps of pipeline/assembly.py and transforms/*.py a Dataflow graph must keep.
STEPS = (
    "Articles/MatchInputs",
    "Articles/ReadDocuments",
    "Articles/ExtractArticles",
    "CountChrome",
    "RemoveChrome",
    "GroupStories/Signatures",
    "GroupStories/Candidates",
    "GroupStories/Clusters",
    "GroupStories/Canonical",
    "WriteTables",
    "WriteTables/Write_articles",
    "WriteTables/Write_stories",
    "WriteTables/Write_rejects",
    "Summarise",
)


# --- runner names -------------------------------------------------------------------------


def test_local_is_the_pinned_fn_api_runner_and_workers_use_processes() -> None:
    options = PipelineOptions([])
    assert isinstance(profiles.resolve_runner(options), FnApiRunner)
    assert options.view_as(DirectOptions).direct_running_mode == "in_memory"
    options = PipelineOptions(["--runner", "local"])
    assert isinstance(profiles.resolve_runner(options, workers=2), FnApiRunner)
    direct = options.view_as(DirectOptions)
    assert (direct.direct_num_workers, direct.direct_running_mode) == (2, "multi_processing")


@pytest.mark.parametrize(
    ("name", "runner"),
    [("dataflow", "DataflowRunner"), ("flink", "FlinkRunner"), ("Spark", "SparkRunner")],
)
def test_cluster_names_map_to_beam_runners(
    name: str, runner: str, caplog: pytest.LogCaptureFixture
) -> None:
    options = PipelineOptions(["--runner", name])
    assert profiles.resolve_runner(options) == runner
    assert options.view_as(PortableOptions).environment_type is None  # Beam picks per master
    assert not caplog.records
    profiles.resolve_runner(PipelineOptions(["--runner", name]), workers=4)
    assert "--workers applies to the local runner only" in caplog.text


def test_portable_defaults_to_the_embedded_job_service_but_keeps_given_endpoints() -> None:
    options = PipelineOptions(["--runner", "portable"])
    assert profiles.resolve_runner(options) == "PortableRunner"
    portable = options.view_as(PortableOptions)
    assert (portable.job_endpoint, portable.environment_type) == ("embed", "LOOPBACK")
    options = PipelineOptions(
        ["--runner", "portable", "--job_endpoint", "localhost:8099", "--environment_type", "DOCKER"]
    )
    profiles.resolve_runner(options)
    portable = options.view_as(PortableOptions)
    assert (portable.job_endpoint, portable.environment_type) == ("localhost:8099", "DOCKER")


# --- the same tables on every local runner ------------------------------------------------

_SORT_KEYS = {"articles": "doc_id", "stories": "story_id", "rejects": "source_uri"}


def _tables(out: Path) -> dict[str, Any]:
    """Each table's schema and rows, in a fixed order."""
    tables = {}
    for name, key in _SORT_KEYS.items():
        table = pq.read_table(out / name)
        tables[name] = (table.schema, sorted(table.to_pylist(), key=lambda row: row[key]))
    return tables


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo corpus (seed 7) plus two bad files, run on the three local runner setups."""
    root = tmp_path_factory.mktemp("runners")
    corpus = generate_demo_corpus(root / "corpus", seed=7)
    (root / "corpus" / "empty.html").write_bytes(b"")
    (root / "corpus" / "notes.pdf").write_bytes(b"%PDF-1.4")
    setups = {"default": [], "workers2": ["--workers", "2"], "portable": ["--runner", "portable"]}
    modes: list[str] = []
    real_resolve = wirestory.pipeline.run.resolve_runner

    def spy(options: PipelineOptions, workers: int | None = None) -> Any:
        runner = real_resolve(options, workers)
        modes.append(options.view_as(DirectOptions).direct_running_mode)
        return runner

    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wirestory.pipeline.run, "resolve_runner", spy)
        for current, flags in setups.items():
            out = root / current
            argv = ["run", str(root / "corpus"), "--output", str(out), "--quiet", *flags]
            assert cli.main(argv) == 0, current
            manifest = json.loads((out / "manifest.json").read_text())
            results[current] = {"tables": _tables(out), "manifest": manifest}
    return {"corpus": corpus, "results": results, "modes": dict(zip(setups, modes, strict=True))}


def test_each_setup_ran_on_the_runner_it_names(runs: dict[str, Any]) -> None:
    manifests = {name: r["manifest"] for name, r in runs["results"].items()}
    assert manifests["default"]["runner"] == manifests["workers2"]["runner"] == "FnApiRunner"
    assert manifests["portable"]["runner"] == "PortableRunner"
    assert runs["modes"]["workers2"] == "multi_processing"
    assert runs["modes"]["default"] == "in_memory"


def test_runners_write_identical_tables(runs: dict[str, Any]) -> None:
    results = runs["results"]
    reference = results["default"]["tables"]
    articles = reference["articles"][1]
    # Not trivially equal: every demo file is an article, the two bad files are rejects.
    assert len(articles) == len(runs["corpus"].files)
    assert len(reference["rejects"][1]) == 2
    assert len(reference["stories"][1]) == len(set(runs["corpus"].files.values()))
    for name in ("workers2", "portable"):
        tables = results[name]["tables"]
        for table in _SORT_KEYS:
            schema, rows = tables[table]
            assert schema.equals(reference[table][0], check_metadata=True), (name, table)
            assert rows == reference[table][1], (name, table)
        assert results[name]["manifest"]["counts"] == results["default"]["manifest"]["counts"]


# --- Dataflow: profile, launcher flags, offline graph ----------------------------------------


def test_profile_args_fill_in_the_bucket_and_image() -> None:
    args = dataflow.profile_args("proj", "europe-west1", "gs://bkt/", IMAGE)
    parsed = PipelineOptions(args).get_all_options()
    assert parsed["runner"] == "DataflowRunner"
    assert (parsed["project"], parsed["region"]) == ("proj", "europe-west1")
    assert parsed["temp_location"] == "gs://bkt/wirestory/tmp"
    assert parsed["staging_location"] == "gs://bkt/wirestory/staging"
    assert parsed["sdk_container_image"] == IMAGE
    assert parsed["experiments"] == ["use_runner_v2"]
    assert parsed["setup_file"] == "./setup.py"
    assert (parsed["machine_type"], parsed["max_num_workers"]) == ("n2-standard-4", 20)
    stock = PipelineOptions(dataflow.profile_args("p", "r", "gs://b")).get_all_options()
    assert stock["sdk_container_image"] is None  # no placeholder ever reaches a job


def test_launcher_flags_given_by_the_caller_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)  # ./setup.py exists here
    argv = ["--project", "p", "--region", "r", "--bucket", "gs://b", "--image", IMAGE]
    argv += ["--input", "gs://b/in/**", "--output", "gs://b/out", "--max_num_workers", "3"]
    options = PipelineOptions(dataflow_launch.dataflow_argv(argv)).get_all_options()
    assert options["max_num_workers"] == 3
    assert options["inputs"] == ["gs://b/in/**"] and options["output"] == "gs://b/out"
    with pytest.raises(wirestory.pipeline.run.UsageError, match="--project and --region"):
        dataflow_launch.dataflow_argv(["--bucket", "gs://b", "--region", "r"])
    # A Flex Template launcher passes everything itself: nothing is added or lost.
    flex = ["--project=p", "--region=r", "--input=gs://b/x", "--output=gs://b/y"]
    assert sorted(dataflow_launch.dataflow_argv(flex)) == sorted(flex)
    with_image = dataflow_launch.dataflow_argv([*flex, "--image", IMAGE])
    assert PipelineOptions(with_image).get_all_options()["sdk_container_image"] == IMAGE


def test_launcher_outside_the_repo_needs_an_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    base = ["--project", "p", "--region", "r", "--bucket", "gs://b"]
    with pytest.raises(wirestory.pipeline.run.UsageError, match="--image"):
        dataflow_launch.dataflow_argv(base)
    options = PipelineOptions(dataflow_launch.dataflow_argv([*base, "--image", IMAGE]))
    assert options.get_all_options()["setup_file"] is None  # the image carries the code


def test_launcher_failure_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Storage that cannot be reached (here: the dataset cannot be opened) ends the launcher with
    one line and exit 1, not a traceback."""

    def unreachable(options: Any) -> None:
        raise ConnectionError("Failed to resolve 'storage.googleapis.com'\nretrying gave up")

    monkeypatch.setattr(dataflow_launch, "submit_stream", unreachable)
    argv = ["--runner=DataflowRunner", "--streaming", "--project=p", "--region=r"]
    argv += ["--input_subscription=projects/p/subscriptions/s", "--dataset=gs://b/d"]
    assert dataflow_launch.main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["wirestory: launch failed: ConnectionError: retrying gave up"]


def _needs_dataflow_client() -> None:
    """Skips where the GCP extra is absent; CI installs it, so there a skip would hide a gap."""
    try:
        import apitools  # noqa: F401
        from apache_beam.runners.dataflow import dataflow_runner  # noqa: F401
    except ImportError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the gcp extra for the Dataflow graph check: {err}")
        pytest.skip(f"Dataflow graph check needs pip install -e '.[gcp]' ({err})")


@pytest.fixture(scope="module")
def dataflow_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A Dataflow template written offline through the launcher: job JSON and staged files."""
    _needs_dataflow_client()
    root = tmp_path_factory.mktemp("dataflow")
    # As the README has it on a fresh machine: the temp and staging folders do not exist yet.
    staging, temp, template = root / "df" / "staging", root / "df" / "tmp", root / "job.json"
    argv = [
        "--runner=DataflowRunner",
        "--project=wirestory-test",
        "--region=europe-west1",
        f"--temp_location={temp}",
        f"--staging_location={staging}",
        f"--template_location={template}",
        # A localhost endpoint makes Beam skip every Google call (auth, GCS checks).
        "--no_auth",
        "--dataflow_endpoint=http://localhost:9",
        f"--sdk_container_image={IMAGE}",
        f"--setup_file={PROJECT / 'setup.py'}",
        "--experiments=use_runner_v2",
        "--input=gs://wirestory-test/articles/**",
        "--output=gs://wirestory-test/out",
        "--threshold=0.6",
    ]
    assert dataflow_launch.main(argv) == 0
    pipeline_pb = beam_runner_api_pb2.Pipeline()
    pipeline_pb.ParseFromString((staging / "pipeline.pb").read_bytes())
    return {
        "job": json.loads(template.read_text()),
        "pipeline": pipeline_pb,
        "staging": staging,
    }


def test_dataflow_job_is_a_batch_job_on_our_container(dataflow_template: dict[str, Any]) -> None:
    job = dataflow_template["job"]
    assert job["type"] == "JOB_TYPE_BATCH"
    environment = job["environment"]
    assert "use_runner_v2" in environment["experiments"]
    (pool,) = environment["workerPools"]
    assert [c["containerImage"] for c in pool["sdkHarnessContainerImages"]] == [IMAGE]
    options = environment["sdkPipelineOptions"]["options"]
    assert options["inputs"] == ["gs://wirestory-test/articles/**"]
    assert options["output"] == "gs://wirestory-test/out"
    assert options["threshold"] == 0.6
    assert options["pipelineUrl"].endswith("pipeline.pb")


def _local_graph_names() -> set[str]:
    """Unique names of the same graph built for the local runner (never run)."""
    options = PipelineOptions(["--input", "gs://x/in/**", "--output", "gs://x/out"])
    graph = beam.Pipeline(runner=FnApiRunner(), options=options)
    build_pipeline(graph, options.view_as(WirestoryOptions), "gs://x/out/_incomplete")
    return {t.unique_name for t in graph.to_runner_api().components.transforms.values()}


def test_dataflow_graph_holds_every_wirestory_step(dataflow_template: dict[str, Any]) -> None:
    transforms = dataflow_template["pipeline"].components.transforms
    names = {t.unique_name for t in transforms.values()}
    assert set(STEPS) <= names
    # Every step of ours the local graph has, down to the leaves, is in the Dataflow graph;
    # Beam's Create adds a MaybeReshuffle leaf only where the runner needs one.
    tops = {step.split("/")[0] for step in STEPS}
    ours = {n for n in _local_graph_names() if n.split("/")[0] in tops}
    assert {n for n in ours - names if not n.endswith("/MaybeReshuffle")} == set()
    segments = {segment.lower().lstrip("_") for name in names for segment in name.split("/")}
    assert not [s for s in segments if s.startswith(("direct", "fnapi"))]
    urns = {t.spec.urn for t in transforms.values() if t.spec.urn}
    assert all(urn.startswith("beam:") for urn in urns), urns
    assert "beam:transform:group_by_key:v1" in urns  # the shuffles are real GroupByKeys


def test_dataflow_graph_runs_user_code_in_our_container(dataflow_template: dict[str, Any]) -> None:
    pipeline_pb = dataflow_template["pipeline"]
    environments = pipeline_pb.components.environments
    used = {t.environment_id for t in pipeline_pb.components.transforms.values()} - {""}
    assert used
    for env_id in used:
        environment = environments[env_id]
        assert environment.urn == "beam:env:docker:v1"
        payload = beam_runner_api_pb2.DockerPayload.FromString(environment.payload)
        assert payload.container_image == IMAGE


def test_dataflow_stages_every_module_through_the_setup_file(
    dataflow_template: dict[str, Any],
) -> None:
    with tarfile.open(dataflow_template["staging"] / "workflow.tar.gz") as sdist:
        staged = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    modules = {
        path.relative_to(PROJECT).as_posix()
        for package in PACKAGES
        for path in (PROJECT / package).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert modules and modules <= staged


# --- shipped files: pins, Dockerfile, Flex Template metadata -------------------------------


def _pins() -> dict[str, str]:
    pins = {}
    for line in (RUNNERS / "requirements-dataflow.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"unpinned requirement {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_dataflow_pins_cover_and_satisfy_the_declared_dependencies() -> None:
    pins = _pins()
    declared = [Requirement(r) for r in metadata.requires("wirestory") or []]
    runtime = [r for r in declared if r.marker is None]
    assert runtime
    for requirement in runtime:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is a dependency but not pinned for the workers"
        assert requirement.specifier.contains(pins[name]), (name, pins[name])


def test_dockerfile_matches_the_pinned_beam_and_a_supported_python() -> None:
    dockerfile = (RUNNERS / "Dockerfile").read_text()
    beam_version = re.search(r"^ARG BEAM_VERSION=(\S+)$", dockerfile, re.MULTILINE)
    assert beam_version and beam_version.group(1) == _pins()["apache-beam"]
    python = re.search(
        r"^FROM apache/beam_python(\d+\.\d+)_sdk:\$\{BEAM_VERSION\}$", dockerfile, re.M
    )
    assert python, "the SDK base image must follow BEAM_VERSION"
    requires_python = metadata.metadata("wirestory")["Requires-Python"]
    assert SpecifierSet(requires_python).contains(python.group(1) + ".0")
    # Everything the package needs is copied into the image before it is installed.
    for path in ("pyproject.toml", "setup.py", *PACKAGES):
        assert re.search(rf"^COPY .*\b{re.escape(path)}\b", dockerfile, re.MULTILINE), path
    flex = re.search(r"FLEX_TEMPLATE_PYTHON_PY_FILE=/template/(\S+)", dockerfile)
    assert flex and (PROJECT / flex.group(1)).is_file()


def _wirestory_flags() -> set[str]:
    parser = argparse.ArgumentParser()
    WirestoryOptions._add_argparse_args(parser)
    return {flag for action in parser._actions for flag in action.option_strings}


def test_flex_template_parameters_are_wirestory_flags() -> None:
    spec = json.loads((RUNNERS / "flex-template-metadata.json").read_text())
    params = {p["name"]: p for p in spec["parameters"]}
    flags = _wirestory_flags()
    assert {f"--{name}" for name in params} <= flags
    assert {n for n, p in params.items() if not p.get("isOptional")} == {"input", "output"}
    defaults = PipelineOptions([]).view_as(WirestoryOptions).get_all_options()
    samples = {"input": "gs://b/in/**", "output": "gs://b/out", "cc_rounds": "30"}
    for name, param in params.items():
        (pattern,) = param["regexes"]
        sample = samples[name] if name in samples else str(defaults[name])
        assert re.fullmatch(pattern, sample), (name, sample)
        assert not re.fullmatch(pattern, "-1"), name
        # The launcher passes --NAME=VALUE: it must land in the option, typed.
        value = PipelineOptions([f"--{name}={sample}"]).get_all_options()
        if name == "input":
            assert value["inputs"] == [sample]
        elif name == "output":
            assert value["output"] == sample
        else:
            assert float(value[name]) == float(sample) and not isinstance(value[name], str)


def test_local_temp_and_staging_folders_are_created_or_fail_at_once(tmp_path: Path) -> None:
    temp, staging = tmp_path / "df" / "tmp", tmp_path / "df" / "staging"
    options = PipelineOptions([f"--temp_location={temp}", f"--staging_location={staging}"])
    dataflow.prepare_locations(options)
    assert temp.is_dir() and staging.is_dir()
    (tmp_path / "file").write_text("not a folder")
    blocked = PipelineOptions([f"--staging_location={tmp_path / 'file' / 'staging'}"])
    with pytest.raises(UsageError, match=r"--staging_location .* cannot be created"):
        dataflow.prepare_locations(blocked)
    dataflow.prepare_locations(PipelineOptions(["--temp_location=gs://bucket/tmp"]))  # no-op


def test_extraction_processes_without_sched_getaffinity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # as on macOS
    assert profiles.available_cores() == (os.cpu_count() or 1)
    assert profiles.extraction_processes(FnApiRunner(), PipelineOptions([])) >= 1


def test_dockerfile_pins_the_flex_launcher_image() -> None:
    dockerfile = (RUNNERS / "Dockerfile").read_text()
    assert ":latest" not in dockerfile
    launcher = re.search(r"^ARG FLEX_LAUNCHER_IMAGE=(\S+)$", dockerfile, re.MULTILINE)
    assert launcher, "the launcher image is an ARG"
    assert re.search(
        r"(:flex_templates_base_image_release_\d{8}_RC\d+|@sha256:[0-9a-f]{64})$", launcher.group(1)
    )
