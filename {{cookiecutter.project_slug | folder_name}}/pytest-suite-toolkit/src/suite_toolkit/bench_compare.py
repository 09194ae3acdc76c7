"""``suite-bench-compare``: the project's benchmarks (pytest-benchmark) timed on two versions of its code side by
side, in one job, and a slowdown named with its ratio, its confidence and the two commits.

Why side by side: on a shared machine (a CI runner, a laptop with a browser open) a benchmark's time moves by tens
of percent from one minute to the next, so a baseline saved yesterday mixes the machine's mood with the change.
Here the base (a git ref, its files taken with ``git archive``: nothing in the repository changes) and the candidate
(the working tree) run in alternating rounds (base then candidate, candidate then base, ...) in one job, each round
a pytest run of its own with the side's ``src/`` first on the path: both see the same machine.

The verdict, benchmark by benchmark: a round gives each side's fastest time (``min``: whatever else the machine
does only ever adds time, so the fastest repetition is the closest to what the code costs; here it halved the
spread that medians had); the ratio is the median of the rounds' ratios (candidate / base), and its 95% interval
comes from resampling the rounds (bootstrap, a fixed seed: the same times give the same verdict). Slower: the whole
interval is above ``--threshold``; faster: the whole interval below its inverse; else unchanged within the noise.
A saved baseline (``--save``, then ``--baseline``) is compared the same way, round by round, but it was not
measured beside the candidate: use it where no git ref holds the base.

Exit status: 0 no benchmark slower, 1 a benchmark slower, 2 nothing compared (an unknown ref, a pytest run that
failed, an unreadable baseline), named in one line.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROUNDS = 8
DEFAULT_THRESHOLD = 1.25  # slower by more than a quarter, with 95% confidence (docs/benchmarks.md: how chosen)
RESAMPLES = 2000
# Each round: the benchmarks only, timed, without the test history, the cache or a random order; no colour codes in
# the output this reads, even where FORCE_COLOR is set (GitHub workflows often do).
PYTEST_OPTIONS = (
    *("--benchmark-enable", "--benchmark-only", "-p", "no:cacheprovider", "-p", "no:randomly", "-q", "-rfE"),
    "--color=no",
)
ANALYTICS_OFF = "--no-analytics"  # this toolkit's: a benchmark round is not a run of the suite


class CannotCompare(Exception):
    """Nothing can be compared; the message names what and why, in one line."""


@dataclass(frozen=True)
class Side:
    label: str  # "base 1a2b3c4 (origin/main)", "candidate 5d6e7f8 + working tree"
    root: Path


@dataclass(frozen=True)
class Verdict:
    name: str
    base: float  # seconds: the median of the rounds' fastest
    candidate: float
    ratio: float  # candidate / base: 2.0 is twice as slow
    low: float  # the ratio's 95% interval
    high: float
    verdict: str  # "slower", "faster" or "unchanged"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ours, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(
        prog="suite-bench-compare",
        description="Time the benchmarks (pytest-benchmark) of the working tree beside those of a git ref, in "
        "alternating rounds, and fail on a slowdown. Arguments after -- go to pytest (the benchmarks' folder).",
    )
    against = parser.add_mutually_exclusive_group()
    against.add_argument("--base", default="HEAD", help="the git ref to compare with (default: HEAD)")
    against.add_argument("--baseline", type=Path, help="a file --save wrote, instead of a git ref")
    against.add_argument("--save", type=Path, help="time the working tree only and write the rounds to this file")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help=f"default {DEFAULT_ROUNDS}")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help=f"default {DEFAULT_THRESHOLD}")
    parser.add_argument("--summary", type=Path, help="append the table, as Markdown (default: $GITHUB_STEP_SUMMARY)")
    options = parser.parse_args(ours)
    if options.rounds < 2 or options.rounds > 100 or not 1.0 < options.threshold < 100:
        parser.error("--rounds takes 2 to 100, --threshold a ratio above 1 (1.25: a quarter slower)")
    root = Path.cwd()
    try:
        return run(root, options, pytest_args)
    except CannotCompare as error:
        print(f"suite-bench-compare: {error}", file=sys.stderr)
        return 2


def run(root: Path, options: argparse.Namespace, pytest_args: list[str]) -> int:
    candidate = Side(f"candidate {describe_working_tree(root)}", root)
    if options.save:
        rounds = [timings(candidate, pytest_args) for _ in range(options.rounds)]
        options.save.write_text(json.dumps({"label": candidate.label, "rounds": rounds}, indent=1) + "\n")
        print(f"{len(rounds)} rounds of {len(rounds[0])} benchmarks saved to {options.save}")
        return 0
    if options.baseline:
        label, base_rounds = read_baseline(options.baseline)
        candidate_rounds = [timings(candidate, pytest_args) for _ in base_rounds]
        base_label = f"baseline {label} ({options.baseline}, saved: not side by side)"
    else:
        commit = resolve(root, options.base)
        with tempfile.TemporaryDirectory(prefix="bench-base-") as folder:
            base = Side(f"base {commit[:12]} ({options.base})", export(root, commit, Path(folder)))
            base_rounds, candidate_rounds = side_by_side(base, candidate, pytest_args, options.rounds)
        base_label = base.label
    verdicts = compare(base_rounds, candidate_rounds, options.threshold)
    if not verdicts:
        print(f"No benchmark in both {base_label} and {candidate.label}: nothing to compare")
        return 0
    table = markdown(verdicts, base_label, candidate.label, options.threshold, len(base_rounds))
    print(table)
    summary = options.summary or (
        Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None
    )
    if summary:
        with summary.open("a", encoding="utf-8") as out:
            out.write(table + "\n")
    slower = [v for v in verdicts if v.verdict == "slower"]
    for v in slower:
        print(
            f"SLOWER: {v.name}: {v.ratio:.2f}x the time of the base (95%: {v.low:.2f} to {v.high:.2f}, threshold "
            f"{options.threshold}) on {candidate.label} against {base_label}"
        )
    return 1 if slower else 0


def side_by_side(
    base: Side, candidate: Side, pytest_args: list[str], rounds: int
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Each side's timings, round by round, in alternating order: a drift of the machine falls on both."""
    timed: dict[Side, list[dict[str, float]]] = {base: [], candidate: []}
    for number in range(rounds):
        for side in (base, candidate) if number % 2 == 0 else (candidate, base):
            timed[side].append(timings(side, pytest_args))
        print(f"round {number + 1} of {rounds} timed", file=sys.stderr)
    return timed[base], timed[candidate]


def timings(side: Side, pytest_args: Sequence[str]) -> dict[str, float]:
    """One pytest run of the side's benchmarks: each benchmark's fastest seconds, by its node id."""
    with tempfile.TemporaryDirectory(prefix="bench-round-") as folder:
        report = Path(folder) / "benchmarks.json"
        paths = [str(side.root / "src"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
        # pytest-benchmark times nothing under pytest-xdist: a run of its own, serial, even when started from a
        # worker (its variables would say it is one) or when the project's addopts ask for workers.
        environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_XDIST_")}
        serial = ("-n", "0") if importlib.util.find_spec("xdist") else ()
        command = [sys.executable, "-m", "pytest", *PYTEST_OPTIONS, *serial, ANALYTICS_OFF]
        done = subprocess.run(
            # pytest-benchmark's storage in the round's folder: nothing of it left in the project
            [*command, f"--benchmark-json={report}", f"--benchmark-storage=file://{folder}", *pytest_args],
            cwd=side.root,
            env={**environment, "PYTHONPATH": os.pathsep.join(paths)},
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 5) or not report.is_file():
            said = (done.stdout + done.stderr).strip().splitlines() or ["no output"]
            first_failure = next((line for line in said if line.startswith(("FAILED ", "ERROR "))), said[-1])
            raise CannotCompare(f"{side.label}: the benchmarks' pytest run exited {done.returncode}: {first_failure}")
        found = json.loads(report.read_text(encoding="utf-8"))["benchmarks"]
        return {benchmark["fullname"]: benchmark["stats"]["min"] for benchmark in found}


def compare(base: list[dict[str, float]], candidate: list[dict[str, float]], threshold: float) -> list[Verdict]:
    """A verdict for each benchmark that every round of both sides timed (rounds paired in order)."""
    names = set.intersection(*(set(timed) for timed in [*base, *candidate])) if base and candidate else set()
    verdicts = []
    for name in sorted(names):
        ratios = [c[name] / b[name] for b, c in zip(base, candidate, strict=True) if b[name] > 0]
        if not ratios:
            continue
        resampler = random.Random(name)  # a fixed seed per benchmark: the same times give the same verdict
        medians = sorted(statistics.median(resampler.choices(ratios, k=len(ratios))) for _ in range(RESAMPLES))
        low, high = medians[int(0.025 * RESAMPLES)], medians[int(0.975 * RESAMPLES) - 1]
        verdict = "slower" if low > threshold else "faster" if high < 1 / threshold else "unchanged"
        verdicts.append(
            Verdict(
                name,
                statistics.median(b[name] for b in base),
                statistics.median(c[name] for c in candidate),
                statistics.median(ratios),
                low,
                high,
                verdict,
            )
        )
    return verdicts


def markdown(verdicts: list[Verdict], base: str, candidate: str, threshold: float, rounds: int) -> str:
    lines = [
        f"### Benchmarks: {candidate} against {base}",
        "",
        f"{rounds} alternating rounds; slower or faster when the ratio's whole 95% interval is beyond {threshold}.",
        "",
        "| Benchmark | Base | Candidate | Ratio | 95% interval | Verdict |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for v in verdicts:
        verdict = f"**{v.verdict}**" if v.verdict == "slower" else v.verdict
        interval = f"{v.low:.2f} to {v.high:.2f}"
        lines.append(
            f"| `{v.name}` | {seconds(v.base)} | {seconds(v.candidate)} | {v.ratio:.2f} | {interval} | {verdict} |"
        )
    return "\n".join(lines)


def seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value / 1e-9:.3g} ns"


def git(root: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *arguments], cwd=root, capture_output=True)


def resolve(root: Path, ref: str) -> str:
    done = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise CannotCompare(f"--base {ref}: no such commit in {root} (a branch, tag or commit, fetched)")
    return done.stdout.decode().strip()


def describe_working_tree(root: Path) -> str:
    head = git(root, "rev-parse", "--short=12", "HEAD")
    if head.returncode != 0:
        return "(working tree, no commit)"
    changed = git(root, "status", "--porcelain", "--untracked-files=no").stdout.strip()
    return head.stdout.decode().strip() + (" + working tree changes" if changed else "")


def export(root: Path, commit: str, folder: Path) -> Path:
    """The commit's files in ``folder`` (git archive): the repository and the working tree stay as they are."""
    done = git(root, "archive", "--format=tar", commit)
    if done.returncode != 0:
        raise CannotCompare(f"git archive {commit[:12]}: {done.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return folder


def read_baseline(path: Path) -> tuple[str, list[dict[str, float]]]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        label, rounds = str(saved["label"]), [{str(k): float(v) for k, v in r.items()} for r in saved["rounds"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CannotCompare(f"{path}: not a baseline suite-bench-compare --save wrote ({error})") from None
    if len(rounds) < 2:
        raise CannotCompare(f"{path}: a baseline needs 2 rounds or more, it has {len(rounds)}")
    return label, rounds


if __name__ == "__main__":
    sys.exit(main())
