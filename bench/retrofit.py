"""What ``suite-retrofit`` costs beside a plain run of the same suite, on the two projects of its slow test
(tests/test_retrofit_third_party.py, whose setup this reuses): ``plan`` (one observed run of the suite, and the
plan written) and ``apply`` (the plan carried out and the suite observed again to verify it), each as a ratio to
``pytest`` with the same arguments."""

from __future__ import annotations

import statistics
from pathlib import Path

from bench.common import Section, now_and_machine
from tests.retrofitting import REDIS_LOCK, TOMLKIT_SUITE, ThirdParty, checkout, retrofit

STEPS = ("plain", "plan", "apply")


def measure(toolkit: Path, folder: Path, rounds: int) -> Section:
    # python-redis-lock's suite takes minutes a run: one round of it.
    projects = [(TOMLKIT_SUITE, rounds), (REDIS_LOCK, 1)]
    when, machine = now_and_machine()
    section = Section(
        "suite-retrofit: plan and apply beside a plain run",
        f"{__doc__.replace('``', '`').strip()} Each project unpacked from its sdist as a git repository with the "
        "toolkit installed; a round runs `pytest`, `suite-retrofit plan`, then `suite-retrofit apply` (the plan "
        "edited as the slow test edits it), each timed wall-clock as a whole command, and puts the repository back "
        f"for the next. Medians of {rounds} rounds for tomlkit, one round for python-redis-lock (its arguments: "
        f"`{' '.join(REDIS_LOCK.pytest_args)}`). Measured {when} on {machine} (the projects' environments made by "
        "uv with that Python), the machine shared with other jobs.",
        header=("project", "tests", "plain s", "plan s", "apply s", "plan / plain", "apply / plain"),
    )
    for project, project_rounds in projects:
        seconds, tests = measure_project(project, folder, toolkit, project_rounds)
        plain, plan, apply = (seconds[step] for step in STEPS)
        row = (f"{plain:.1f}", f"{plan:.1f}", f"{apply:.1f}", f"{plan / plain:.2f}", f"{apply / plain:.2f}")
        section.rows.append((f"{project.sdist.name} {project.sdist.version}", str(tests), *row))
    return section


def measure_project(project: ThirdParty, folder: Path, toolkit: Path, rounds: int) -> tuple[dict[str, float], int]:
    """Each step's median seconds, and the number of tests the suite ran."""
    work = folder / f"retrofit-{project.sdist.name}"
    work.mkdir()
    repository = checkout(project, work, toolkit)
    seconds: dict[str, list[float]] = {step: [] for step in STEPS}
    for number in range(rounds):
        steps = retrofit(repository)
        if steps.apply.status != 0:
            raise RuntimeError(f"suite-retrofit apply failed on {project.sdist.name}:\n{steps.apply.output[-3000:]}")
        for step in STEPS:
            seconds[step].append(getattr(steps, step).seconds)
        print(f"  {project.sdist.name} round {number + 1}/{rounds}: " + ", ".join(
            f"{step} {seconds[step][-1]:.1f}s" for step in STEPS), flush=True)  # fmt: skip
        repository.start_over()
    counts = steps.plain.counts()
    tests = sum(count for outcome, count in counts.items() if outcome != "deselected")
    return {step: statistics.median(values) for step, values in seconds.items()}, tests
