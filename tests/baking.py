"""Baking projects from this template and checking what comes out."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from urllib.parse import urljoin

import yaml
from cookiecutter.environment import StrictEnvironment
from cookiecutter.main import cookiecutter

import local_extensions

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE = TEMPLATE_DIR / "{{cookiecutter.project_slug | folder_name}}"
UV = Path(sys.executable).parent / "uv"  # uv is in the template's dev group
# The tiers as the generated pyproject.toml lists them for pytest-suite-toolkit (`tiers = ["tests/unit: ..."]`).
TIERS = tuple(
    re.findall(r'^    "tests/(\w+):', (PROJECT_TEMPLATE / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
)
SERVER_TIERS = ("integration", "e2e", "chaos")
# .ci/run sets this after starting PostgreSQL and Redis: there, the server tiers must run, not skip.
SERVERS_REQUIRED = os.environ.get("TEST_REQUIRE_SERVERS", "") not in ("", "0")

LEFTOVER_SYNTAX = re.compile(local_extensions.LEFTOVER_SYNTAX)
# The generated project's own defaults, under a name of the template's (the project's is <package>_test).
DEFAULT_SERVERS = {
    "DATABASE_URL_TEST": "postgresql+psycopg://postgres:postgres@127.0.0.1:5432/scaffold_test",
    "REDIS_URL_TEST": "redis://127.0.0.1:6379/1",
}
TEMPLATE_EXTENSIONS = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))["_extensions"]
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
SKIPPED_DIRS = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}


@dataclass(frozen=True)
class Combination:
    id: str
    answers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.id


# Each value of each question at least once, and the server-free project (neither PostgreSQL nor Redis).
SUPPORTED = [
    Combination("defaults"),
    Combination("sqlite", {"database": "sqlite"}),
    Combination("no-redis", {"redis_event_bus": "no"}),
    Combination("no-ci", {"ci": "none"}),
    Combination("no-servers", {"database": "sqlite", "redis_event_bus": "no", "python_version": "3.11"}),
    Combination("py312", {"python_version": "3.12", "redis_event_bus": "no"}),
    Combination("py313-minimal", {"python_version": "3.13", "database": "sqlite", "redis_event_bus": "no",
                                  "ci": "none"}),
]  # fmt: skip


def bake(output_dir: Path, **answers: str) -> Path:
    """Bake the template with the default answers, overridden by ``answers``; return the project directory."""
    return Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(output_dir), extra_context=answers))


def load_hook(name: str) -> ModuleType:
    """A hook as an importable module, for testing its functions: rendered as cookiecutter renders it, with the
    template's facts (local_extensions.py) and no answers (``cookiecutter`` and ``_cookiecutter`` are empty)."""
    environment = StrictEnvironment(context={"cookiecutter": {"_extensions": TEMPLATE_EXTENSIONS}})
    template = environment.from_string((TEMPLATE_DIR / "hooks" / f"{name}.py").read_text(encoding="utf-8"))
    module = ModuleType(name)
    exec(compile(template.render(cookiecutter={}, _cookiecutter={}), f"hooks/{name}.py", "exec"), module.__dict__)
    return module


def project_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(root).parts):
            yield path


def leftover_template_syntax(root: Path) -> list[str]:
    """``path:line`` of every Jinja fragment that survived rendering."""
    found = []
    for path in project_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LEFTOVER_SYNTAX.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def parse_structured(path: Path) -> object:
    """Parse a TOML, YAML or JSON file by its suffix; raise on a syntax error."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        return tomllib.loads(text)
    if path.suffix in (".yaml", ".yml"):
        return list(yaml.safe_load_all(text))
    if path.suffix == ".json":
        return json.loads(text)
    raise ValueError(f"not a structured file: {path}")


def as_python_before_rendering(source: str) -> str:
    """Template source with each ``{{ ... }}`` replaced by a name: valid Python if Jinja is only in names/strings."""
    return JINJA_EXPRESSION.sub("jinja_placeholder", source)


def clean_environment(**extra: str) -> dict[str, str]:
    """The environment for a baked project's commands: not inside this template's virtual environment, and
    with every Python this machine has within reach of uv (pyenv's shims answer only for selected versions).

    PYTHONDONTWRITEBYTECODE goes too, as on a developer's machine: with it, every pytest start compiles each
    imported module from source and rewrites the asserts of every plugin package again (hypothesis, Faker...),
    which tripled the start-up of a baked project here (0.9 s -> 2.9 s).

    A baked project's suite shares the servers with every other one this suite runs at once, as two checkouts
    would: each names what it creates for its own run (the project's tests/helpers), and these tests prove it.
    It is not one of this suite's xdist workers, so pytest-xdist's variables go as well."""
    dropped = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    env = {key: value for key, value in os.environ.items() if key not in dropped and not key.startswith("PYTEST_XDIST")}
    env.update(UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1")
    env.update(extra)
    if "PYENV_VERSION" not in env and (versions := pyenv_versions()):
        env["PYENV_VERSION"] = versions
    return env


@functools.cache
def pyenv_versions() -> str:
    """pyenv's selected Python first, then every installed 3.10+; empty without pyenv. Asked once per session."""
    if not shutil.which("pyenv"):
        return ""
    current = subprocess.run(["pyenv", "version-name"], capture_output=True, text=True).stdout.strip()
    installed = subprocess.run(["pyenv", "versions", "--bare"], capture_output=True, text=True).stdout.split()
    supported = [version for version in installed if re.match(r"3\.(1[0-9])\.", version)]
    return ":".join(dict.fromkeys([current, *supported]))


def execute(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd`` outside this template's environment; capture its output, whatever its status."""
    return subprocess.run(command, cwd=cwd, env=clean_environment(**env), capture_output=True, text=True, timeout=900)


def make(project: Path, *targets: str, args: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Run the project's own Makefile targets with this template's uv."""
    return execute(["make", *targets, f"UV={UV}", f"ARGS={args}"], project, **env)


GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,  # no hooksPath or template from this machine's git configuration
}


def git(cwd: Path, *args: str) -> str:
    return run(["git", *args], cwd, **GIT_IDENTITY)


def template_repository(destination: Path) -> Path:
    """This template as it is on disk (committed or not), as a git repository of its own with one commit."""
    listed = git(TEMPLATE_DIR, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for relative in filter(None, listed):
        source = TEMPLATE_DIR / relative
        if source.is_file():
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / relative)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "The template as it is")
    return destination


def run(command: list[str], cwd: Path, **env: str) -> str:
    """Run ``command``; return its output, or fail with the output when it exits non-zero."""
    result = execute(command, cwd, **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode} in {cwd}:\n{output[-8000:]}"
    return output


def node_id(case: ET.Element) -> str:
    """``tests/unit/test_x.py::TestY::test_z[param]`` from a JUnit testcase's dotted classname and name."""
    parts = case.get("classname", "").split(".")
    classes: list[str] = []
    while parts and parts[-1][:1].isupper():
        classes.insert(0, parts.pop())
    return "::".join(["/".join(parts) + ".py", *classes, case.get("name", "")])


@dataclass
class SuiteReport:
    """What a JUnit XML report says ran, by tier."""

    exit_code: int | None = None
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)
    seconds: Counter[str] = field(default_factory=Counter)  # each tier's setup, call and teardown (JUnit's time)
    failures: list[str] = field(default_factory=list)
    passed: set[str] = field(default_factory=set)
    skip_reasons: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def from_junit(cls, path: Path, exit_code: int | None = None) -> SuiteReport:
        report = cls(exit_code=exit_code)
        for case in ET.parse(path).getroot().iter("testcase"):
            parts = case.get("classname", "").split(".")
            tier = parts[1] if len(parts) > 1 and parts[0] == "tests" else "?"
            outcome, reason = "passed", ""
            for child in case:
                if child.tag in ("failure", "error", "skipped"):
                    outcome, reason = child.tag, child.get("message", "")
            report.outcomes.setdefault(tier, Counter())[outcome] += 1
            report.seconds[tier] += float(case.get("time", 0))
            if outcome in ("failure", "error"):
                report.failures.append(f"{node_id(case)}: {reason[:300]}")
            if outcome == "passed":
                report.passed.add(node_id(case))
            if outcome == "skipped":
                report.skip_reasons.setdefault(tier, set()).add(reason)
        return report

    def failed_ids(self) -> set[str]:
        """``path::name`` of every failed test, as pytest prints node ids."""
        return {failure.split(": ", 1)[0] for failure in self.failures}

    def total(self, outcome: str | None = None) -> int:
        return sum(
            count for counts in self.outcomes.values() for kind, count in counts.items() if outcome in (None, kind)
        )


@dataclass(frozen=True)
class Sdist:
    """A release of a project no one here wrote, from PyPI, checked against the hash pinned here: real code for
    the toolkit to be adopted by and measured on."""

    name: str
    version: str
    sha256: str

    def download(self, folder: Path) -> Path:
        index = f"https://pypi.org/pypi/{self.name}/json"  # PyPI's JSON API; its file URLs may be relative to it
        with urllib.request.urlopen(index, timeout=60) as response:
            release = json.load(response)["releases"][self.version]
        (sdist,) = [entry for entry in release if entry["packagetype"] == "sdist"]
        with urllib.request.urlopen(urljoin(index, sdist["url"]), timeout=120) as response:
            archive = response.read()
        assert hashlib.sha256(archive).hexdigest() == self.sha256, (
            f"{self.name}'s sdist on the index is not the one pinned"
        )
        path = folder / sdist["filename"]
        path.write_bytes(archive)
        return path

    def adopt_toolkit(self, folder: Path, toolkit: Path, *packages: str, python: str = "") -> Path:
        """The release unpacked into ``folder`` and adopting the toolkit as its README says: the ``toolkit`` folder
        copied next to the project (inside, pytest would collect its tests too) and installed with the project,
        pytest, pytest-testmon and ``packages`` into the project's ``.venv`` (on ``python``: uv's default when
        empty). Returns the project's root."""
        with tarfile.open(self.download(folder)) as archive:
            archive.extractall(folder, filter="data")
            (top,) = {name.split("/")[0] for name in archive.getnames()}
        root = folder / top
        shutil.copytree(toolkit, folder / "pytest-suite-toolkit", ignore=shutil.ignore_patterns("__pycache__", ".venv"))
        run([str(UV), "venv", "--quiet", *(("--python", python) if python else ()), ".venv"], root)
        install = ["-e", ".", "pytest", "pytest-testmon", *packages, "../pytest-suite-toolkit"]
        run([str(UV), "pip", "install", "--quiet", "--python", ".venv", *install], root)
        return root


SLOWED = """

def _slowed(method, factor):  # appended by the template's tests: {factor} times the time, the same result
    import functools
    import time

    @functools.wraps(method)
    def slower(*args, **kwargs):
        start = time.perf_counter()
        result = method(*args, **kwargs)
        end = start + factor * (time.perf_counter() - start)
        while time.perf_counter() < end:
            pass
        return result

    return slower


{cls}.{method} = _slowed({cls}.{method}, {factor})
"""


def slow_down(module: Path, cls: str, method: str, factor: float) -> None:
    """Make ``cls.method`` of the module at ``module`` take ``factor`` times its time (busy, as slower code is),
    returning what it did: a hot path slowed on purpose, by a known ratio."""
    with module.open("a", encoding="utf-8") as source:
        source.write(SLOWED.format(cls=cls, method=method, factor=factor))
