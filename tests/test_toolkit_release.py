"""A baked project moved from the vendored pytest-suite-toolkit folder to a released version, by the steps of
"Use a release instead of this folder" in the package's README, with the wheel `uv build` makes of the folder in a
local folder standing in for PyPI (uv's `--find-links`): the unit tier passes on the package installed from it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.baking import PROJECT_TEMPLATE, UV, bake, execute, make, run, tomllib

pytestmark = pytest.mark.slow  # a bake, a wheel, a lock and an environment from nothing: about a minute on 2 cores

TOOLKIT = PROJECT_TEMPLATE / "pytest-suite-toolkit"
README = (TOOLKIT / "README.md").read_text(encoding="utf-8")
STEPS = README.split("## Use a release instead of this folder", 1)[1].split("\n## ", 1)[0]
VERSION = tomllib.loads((TOOLKIT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]

# What the steps delete or change, each as the README quotes it.
WORKSPACE = """[tool.uv.workspace]
# The test machinery is a package of its own in pytest-suite-toolkit/ (its README says how to adopt it elsewhere).
members = ["pytest-suite-toolkit"]

[tool.uv.sources]
pytest-suite-toolkit = { workspace = true }

"""
TEST_GROUP_ENTRY = '    "pytest-suite-toolkit",\n'
MAKE_TARGET = re.compile(r"^test-toolkit:.*\n\t.*\n\n", re.MULTILINE)
CI_JOB = re.compile(r"^  toolkit:\n(?:(?: {4}.*)?\n)*?(?=  \w)", re.MULTILINE)
CRUFT_SKIP = 'skip = ["config/development.yaml", "uv.lock", ".test_durations"]'


def replace_once(path: Path, old: str | re.Pattern[str], new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if isinstance(old, str):
        assert text.count(old) == 1, f"{path.name} does not hold, once, what the steps change:\n{old}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    else:
        changed, count = old.subn(new, text)
        assert count == 1, f"{path.name} does not hold, once, what the steps change: {old.pattern}"
        path.write_text(changed, encoding="utf-8")


def follow_the_steps(project: Path) -> None:
    """Steps 1 to 4 of the README's section, as a person makes them with an editor."""
    shutil.rmtree(project / "pytest-suite-toolkit")  # 1
    pyproject = project / "pyproject.toml"  # 2
    replace_once(pyproject, WORKSPACE, "")
    replace_once(pyproject, TEST_GROUP_ENTRY, f'    "pytest-suite-toolkit=={VERSION}",\n')
    makefile = project / "Makefile"  # 3
    replace_once(makefile, MAKE_TARGET, "")
    replace_once(makefile, " test-toolkit", "")
    replace_once(project / ".github" / "workflows" / "tests.yml", CI_JOB, "")
    replace_once(pyproject, CRUFT_SKIP, CRUFT_SKIP.replace('"]', '", "pytest-suite-toolkit"]'))  # 4


def test_the_readme_quotes_what_the_steps_change() -> None:
    for quoted in ("[tool.uv.workspace]", 'members = ["pytest-suite-toolkit"]', "[tool.uv.sources]",
                   "pytest-suite-toolkit = { workspace = true }", '"pytest-suite-toolkit==',
                   '"pytest-suite-toolkit"', "`test-toolkit`", "`.PHONY`", "`toolkit` job", "`skip`",
                   "`uv lock`", "`make setup`"):  # fmt: skip
        assert quoted in STEPS, quoted


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The toolkit's wheel and sdist, built as toolkit.yml builds them, in a folder standing in for PyPI."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    build = [str(UV), "build", "--quiet", "--no-sources", "--python", "python3", "--out-dir", str(folder), str(TOOLKIT)]
    run(build, folder)
    assert sorted(path.name for path in folder.glob("pytest_suite_toolkit-*")) == [
        f"pytest_suite_toolkit-{VERSION}-py3-none-any.whl",
        f"pytest_suite_toolkit-{VERSION}.tar.gz",
    ]
    return folder


def test_a_project_on_the_released_toolkit_passes_its_unit_tier_on_the_installed_wheel(
    tmp_path: Path, wheelhouse: Path
) -> None:
    project = bake(tmp_path)
    index = {"UV_FIND_LINKS": str(wheelhouse)}  # PyPI for the other packages, this folder for the toolkit
    follow_the_steps(project)

    run([str(UV), "lock"], project, **index)  # 5
    setup = make(project, "setup", **index)
    assert setup.returncode == 0, setup.stdout + setup.stderr

    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    [locked] = [package for package in lock["package"] if package["name"] == "pytest-suite-toolkit"]
    assert locked["version"] == VERSION
    assert Path(locked["source"]["registry"]).resolve() == wheelhouse.resolve()  # not a workspace or path source
    imported = execute([str(UV), "run", "--no-sync", "python", "-c", IMPORTED_FROM], project, **index)
    assert imported.returncode == 0, imported.stderr
    where = imported.stdout.strip()
    site_packages = sorted((project / ".venv" / "lib").glob("python3.*/site-packages"))
    assert Path(where).parent.parent in site_packages, where
    assert not (project / "pytest-suite-toolkit").exists()

    unit = make(project, "test-unit", **index)
    assert unit.returncode == 0, unit.stdout[-8000:] + unit.stderr[-4000:]
    assert re.search(r"^=+ \d+ passed", unit.stdout, re.MULTILINE), unit.stdout[-2000:]
    assert f"suite-toolkit-{VERSION}" in unit.stdout  # pytest's header names the plugin it loaded
    assert "test-toolkit" not in make(project, "help").stdout


# A package installed from an index has no direct_url.json; a workspace member or a path would have one.
IMPORTED_FROM = """
import importlib.metadata, suite_toolkit
assert importlib.metadata.distribution("pytest-suite-toolkit").read_text("direct_url.json") is None
print(suite_toolkit.__file__)
"""
