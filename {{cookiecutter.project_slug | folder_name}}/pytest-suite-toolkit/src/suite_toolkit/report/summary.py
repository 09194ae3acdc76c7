"""A short summary of the latest run (or the shards of the latest CI run) in Markdown, for a CI job's page
(``$GITHUB_STEP_SUMMARY``): regressions, new flaky tests, quarantine candidates, the slowest tests, time per tier;
and GitHub Actions annotations (workflow commands) on the files of failed, slowed-down and new flaky tests."""

from __future__ import annotations

from suite_toolkit.report.data import commit_text

SHOWN = 10


def markdown(data: dict) -> str:
    latest = [run for run in data["runs"] if run["id"] in data.get("latest", ())]
    if not latest:
        return "## Tests\n\nNo run recorded in this run of the workflow (nothing selected, say).\n"
    lines = ["## Tests", ""]
    for run in latest:
        rate = "-" if run["pass_rate"] is None else f"{run['pass_rate']:.1f}%"
        tests = f"{run['tests']} test{'s' if run['tests'] != 1 else ''}"
        lines.append(
            f"- Run {run['id']} ({run['selection']}, {run['mode']}), {run['started']}, commit "
            f"{commit_text(run) or '-'}: {tests}, {run['passed']} passed, {run['failed'] + run['errors']} failed, "
            f"{run['server_errors']} server errors, {run['skipped']} skipped; pass rate {rate}; {run['seconds']:.1f} s."
        )
    quarantined = [test["nodeid"] for test in data["latest_failed"] if test["quarantined"]]
    if quarantined:
        lines.append(f"- Quarantined, failed without failing the run: {', '.join(map(cell, quarantined))}.")
    new_flaky = [test for test in data["flaky"] if test["new"]]
    tiers = sorted({tier for run in latest for tier in run["tiers"]})
    sections = [
        ("Regressions", ["test", "seconds", "baseline", "times slower"],
         [[r["nodeid"], r["seconds"], r["baseline"], r["factor"]] for r in data["regressions"]]),
        ("New flaky tests", ["test", "tier"], [[f["nodeid"], f["tier"]] for f in new_flaky]),
        (f"Quarantine candidates (flaky {data['quarantine_after']} times or more)", ["test", "times flaky"],
         [[c["nodeid"], c["times"]] for c in data["quarantine_candidates"]]),
        ("Slowest tests", ["test", "tier", "seconds"],
         [[t["nodeid"], t["tier"], t["seconds"]] for t in data["latest_slowest"][:SHOWN]]),
        ("Time per tier (s)", ["tier", *(f"run {run['id']}" for run in latest)],
         [[tier, *(run["tiers"].get(tier, "-") for run in latest)] for tier in tiers]),
    ]  # fmt: skip
    for title, columns, rows in sections:
        lines += ["", f"### {title}", ""]
        if not rows:
            lines.append("None.")
            continue
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows[:SHOWN]]
        if len(rows) > SHOWN:
            lines.append(f"\n... and {len(rows) - SHOWN} more in the HTML report.")
    return "\n".join(lines) + "\n"


def cell(value: object) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if "::" in text else text


def annotations(data: dict) -> list[str]:
    """``::error file=...::`` for each failed test of the latest run, ``::warning`` for each regression and new
    flaky test: GitHub shows them on the run's page and on the pull request's changed files."""
    lines = [
        command("warning", test["nodeid"], "quarantined", f"{test['nodeid']} {test['outcome']} (quarantined)")
        if test["quarantined"]
        else command("error", test["nodeid"], test["outcome"], f"{test['nodeid']} {test['outcome']} in the latest run")
        for test in data["latest_failed"]
    ]
    lines += [
        command("warning", r["nodeid"], "slower", f"{r['nodeid']} took {r['seconds']}s, baseline {r['baseline']}s")
        for r in data["regressions"]
    ]
    lines += [
        command("warning", f["nodeid"], "flaky", f"{f['nodeid']} passed and failed on the same code")
        for f in data["flaky"]
        if f["new"]
    ]
    return lines


def command(level: str, nodeid: str, title: str, message: str) -> str:
    path = nodeid.split("::")[0]
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={path},title={title}::{escaped}"
