"""Projects no one here wrote, for ``suite-retrofit`` to bring into tiers: each sdist unpacked as a git repository
of one commit (``apply`` starts only on a clean working tree), with the toolkit installed next to it as its README
says. Shared by the slow test (tests/test_retrofit_third_party.py) and the benchmark (bench/retrofit.py)."""

from __future__ import annotations

import re
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.baking import Sdist, execute, git
from tests.test_adoption import TOMLKIT

# The last line of a run: "1 failed, 170 passed, 3 skipped, 4 deselected in 312.05s".
# suite_toolkit.retrofit's (not installed here): the plan's file, and where plan keeps its observation (git ignores it).
PLAN, OBSERVED_FOLDER = "retrofit-plan.md", ".suite-retrofit"
SUMMARY_LINE = re.compile(r"^=*\s*(\d+ \w+.*?|no tests ran) in [\d.]+s", re.MULTILINE)


@dataclass(frozen=True)
class ThirdParty:
    sdist: Sdist
    extras: tuple[str, ...] = ()  # what its tests need beyond pytest
    pytest_args: tuple[str, ...] = ()  # given to every run of its suite, plan's and apply's included
    server: str = ""  # a program its tests start
    # Rows a user deletes from the plan's Files table, leaving those files where they are.
    kept_in_place: tuple[str, ...] = ()


TOMLKIT_SUITE = ThirdParty(
    TOMLKIT,
    # They find their data next to themselves (os.path.dirname(__file__)): moved, test_toml_tests.py no longer
    # collects and apply puts everything back. The command cannot know that a path is relative to a test file.
    kept_in_place=("tests/test_api.py", "tests/test_toml_file.py", "tests/test_toml_tests.py"),
)
REDIS_LOCK = ThirdParty(
    Sdist("python-redis-lock", "4.0.1", "57995e13dce196301138d710d4f132d667c200cd814718e081bf299d6cf11d70"),
    extras=("process-tests", "redis"),
    # Its gevent and eventlet variants fail without those libraries and wait out their timeouts: minutes.
    # test_signal_expiration waits out a 1 s lock expiry and fails when the machine is busy (it failed once in CI's
    # slow part, passed before and failed after the move with nothing of it moved but its file): its own flakiness,
    # which verify rightly reports as a changed outcome, so it is left out here.
    pytest_args=("-k", "not gevent and not eventlet and not test_signal_expiration"),
    server="redis-server",
)


@dataclass(frozen=True)
class Ran:
    status: int
    output: str
    seconds: float  # wall-clock, the whole command

    def counts(self) -> Counter[str]:
        """pytest's summary as counts: {"passed": 170, "skipped": 3, ...} ("errors" counted as "error")."""
        found = SUMMARY_LINE.findall(self.output)
        assert found, self.output[-3000:]
        counts = Counter[str]()
        for number, outcome in re.findall(r"(\d+) (\w+)", found[-1]):
            counts[outcome.removesuffix("s") if outcome == "errors" else outcome] += int(number)
        return counts


@dataclass(frozen=True)
class Checkout:
    """A third-party project's repository with its environment (``.venv``) holding it, its test needs, pytest,
    pytest-testmon and the toolkit."""

    root: Path
    project: ThirdParty

    def command(self, *command: str) -> Ran:
        start = time.perf_counter()
        result = execute(list(command), self.root)
        return Ran(result.returncode, result.stdout + result.stderr, time.perf_counter() - start)

    def pytest(self, *args: str) -> Ran:
        return self.command(str(self.root / ".venv" / "bin" / "python"), "-m", "pytest", *args,
                            *self.project.pytest_args)  # fmt: skip

    def retrofit(self, step: str, *args: str) -> Ran:
        """``suite-retrofit plan`` or ``apply`` as a user types it, the project's pytest arguments after ``--``."""
        return self.command(str(self.root / ".venv" / "bin" / "suite-retrofit"), step, *args, "--",
                            *self.project.pytest_args)  # fmt: skip

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def start_over(self) -> None:
        """The repository as committed, for another round: what ``apply`` staged and wrote undone, the plan and
        what the runs wrote (history, testmon data) removed. The environment stays (git ignores it)."""
        self.git("reset", "--quiet", "--hard")
        self.git("clean", "--quiet", "-d", "--force")  # not what git ignores: the environment
        shutil.rmtree(self.root / OBSERVED_FOLDER, ignore_errors=True)


@dataclass(frozen=True)
class Retrofitted:
    """What each step printed and took: a plain run of the suite, then ``plan``, then ``apply`` of the plan as
    edited (its verifying run included)."""

    checkout: Checkout
    plain: Ran
    plan: Ran
    apply: Ran


def retrofit(checkout: Checkout) -> Retrofitted:
    plain = checkout.pytest()
    plan = checkout.retrofit("plan")
    edit_plan(checkout.root / PLAN, checkout.project.kept_in_place)
    return Retrofitted(checkout, plain, plan, checkout.retrofit("apply"))


def edit_plan(plan: Path, kept_in_place: tuple[str, ...]) -> None:
    """The plan with the Files rows of ``kept_in_place`` deleted, as the toolkit's README tells a user to."""
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(tuple(f"| `{file}` |" for file in kept_in_place))]
    assert len(lines) - len(kept) == len(kept_in_place), f"not all of {kept_in_place} are in {plan}"
    plan.write_text("".join(kept), encoding="utf-8")


def files_table(plan_text: str) -> dict[str, tuple[str, str, str]]:
    """The plan's Files table: each file's tier, where it moves to and the evidence."""
    section = plan_text.split("## Files", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\w+) \| `([^`]+)` \| (.*) \|$", section, re.MULTILINE)
    return {file: (tier, moves_to, evidence) for file, tier, moves_to, evidence in rows}


def checkout(project: ThirdParty, folder: Path, toolkit: Path) -> Checkout:
    """``project``'s sdist unpacked into ``folder`` and committed, the ``toolkit`` folder copied next to it (inside,
    its tests would be collected too) and installed with the project into the project's ``.venv``."""
    root = project.sdist.adopt_toolkit(folder, toolkit, *project.extras)
    git(root, "init", "--quiet")
    # This machine's files, as a developer's global excludes would have them: the sdist's egg-info, which an
    # editable install rewrites, is not in the project's repository either.
    (root / ".git" / "info" / "exclude").write_text(".venv/\n*.egg-info/\n", encoding="utf-8")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", f"{project.sdist.name} {project.sdist.version} as released")
    return Checkout(root, project)
