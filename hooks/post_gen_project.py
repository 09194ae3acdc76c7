"""Prune what the answers turned off, then check that what is left is a complete, well-formed project.

Optional parts are either whole files (removed below, one function per feature) or blocks inside shared files,
marked so that every templated file stays valid before rendering:

    # [if redis]                    a block, kept or removed with its feature
    ...
    # [end redis]
    "fakeredis>=2.26",  # [if redis]   a single line

(`<!-- [if redis] -->` in Markdown.) Markers never reach the generated project. The hook runs again, in a
temporary folder, on every `cruft update`: it writes nothing random, needs no network and runs no git.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

ANSWERS = json.loads({{ cookiecutter | jsonify | jsonify }})
ROOT = Path.cwd()
PACKAGE = Path("src") / str(ANSWERS.get("package_name", ""))

TEXT_SUFFIXES = {".py", ".toml", ".yaml", ".yml", ".md", ".json", ".cfg", ".ini", ".txt", ".example", ""}
BLOCK_START = re.compile(r"^\s*(?:#|<!--)\s*\[if (\w+)\]\s*(?:-->)?\s*$")
BLOCK_END = re.compile(r"^\s*(?:#|<!--)\s*\[end (\w+)\]\s*(?:-->)?\s*$")
LINE_MARKER = re.compile(r"\s*(?:#|<!--)\s*\[if (\w+)\]\s*(?:-->)?\s*$")
# The rule lives in local_extensions.py, with the template's other facts.
LEFTOVER_SYNTAX = re.compile(json.loads({{ leftover_syntax | jsonify | jsonify }}))
REQUIRED_FILES = [
    "pyproject.toml", "Makefile", "README.md", ".pre-commit-config.yaml", "config/test.yaml", "tests/conftest.py",
]  # fmt: skip


class GenerationError(Exception):
    """The generated project is broken; the message names the file."""


def features(answers: dict) -> dict[str, bool]:
    database, redis = answers["database"], answers["redis_event_bus"] == "yes"
    return {
        "postgresql": database == "postgresql",
        "sqlite": database == "sqlite",
        "redis": redis,
        "no_redis": not redis,
        "servers": database == "postgresql" or redis,
        "github": answers["ci"] == "github",
    }


def remove(root: Path, paths: Iterable[str | Path]) -> None:
    for relative in paths:
        path = root / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def remove_postgresql(root: Path) -> None:
    remove(
        root,
        ["tests/helpers/postgres.py", "tests/integration/test_postgresql.py", "tests/chaos/test_database_network.py"],
    )


def remove_redis(root: Path) -> None:
    remove(
        root,
        [
            PACKAGE / "event_bus.py",
            "tests/fixtures/redis.py",
            "tests/helpers/redis_server.py",
            "tests/unit/test_event_bus.py",
            "tests/integration/test_event_bus_redis.py",
            "tests/integration/test_ticket_events_over_redis.py",
            "tests/chaos/test_redis_outage.py",
            "tests/chaos/test_redis_network.py",
            "tests/e2e/test_events_from_the_service.py",
        ],
    )


def remove_servers(root: Path) -> None:
    """Nothing needs a server any more: no compose file, no URLs to configure."""
    remove(
        root,
        ["compose.yaml", ".env.test.example", "tests/fixtures/network_faults.py", "tests/helpers/faulty_proxy.py"],
    )


def remove_github_ci(root: Path) -> None:
    remove(root, [".github"])


def text_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == "Makefile") and ".git" not in path.parts
    )


def prune_blocks(text: str, enabled: dict[str, bool], where: str) -> str:
    """Keep the marked blocks and lines of enabled features (without their markers), drop the others."""
    kept: list[str] = []
    open_blocks: list[tuple[str, bool]] = []
    removed = False  # a line was dropped since the last kept one
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if start := BLOCK_START.match(line):
            open_blocks.append((start[1], _enabled(enabled, start[1], where, number)))
        elif end := BLOCK_END.match(line):
            if not open_blocks or open_blocks[-1][0] != end[1]:
                raise GenerationError(f"{where}:{number}: [end {end[1]}] without a matching [if {end[1]}]")
            open_blocks.pop()
        elif all(keep for _, keep in open_blocks):
            marker = LINE_MARKER.search(line)
            if marker and not _enabled(enabled, marker[1], where, number):
                removed = True
                continue
            if marker:
                line = line[: marker.start()] + ("\n" if line.endswith("\n") else "")
            if not (removed and not line.strip() and kept and not kept[-1].strip()):
                kept.append(line)  # (what was removed stood between two blank lines: keep one of them)
            removed = False
            continue
        removed = True
    if open_blocks:
        raise GenerationError(f"{where}: [if {open_blocks[-1][0]}] is never closed")
    while len(kept) > 1 and not kept[-1].strip():
        kept.pop()  # a block removed at the end leaves no trailing blank lines
    return "".join(kept)


def _enabled(enabled: dict[str, bool], feature: str, where: str, number: int) -> bool:
    if feature not in enabled:
        raise GenerationError(f"{where}:{number}: unknown feature {feature!r} in a marker; known: {sorted(enabled)}")
    return enabled[feature]


def prune_all_blocks(root: Path, enabled: dict[str, bool]) -> None:
    for path in text_files(root):
        text = path.read_text(encoding="utf-8")
        pruned = prune_blocks(text, enabled, where=str(path.relative_to(root)))
        if pruned != text:
            path.write_text(pruned, encoding="utf-8")


def validate(root: Path) -> list[str]:
    """Every problem in the generated tree, each naming its file; empty when the project is sound."""
    problems = [f"{name}: missing" for name in REQUIRED_FILES if not (root / name).is_file()]
    for path in text_files(root):
        relative = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if LEFTOVER_SYNTAX.search(line):
                problems.append(f"{relative}:{number}: template syntax left over: {line.strip()}")
        try:
            parse(path, text)
        except Exception as error:  # any parser's error is a broken file
            problems.append(f"{relative}: does not parse: {error}")
    problems += makefile_problems(root)
    return problems


def parse(path: Path, text: str) -> None:
    if path.suffix == ".py":
        ast.parse(text, filename=str(path))
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix in (".yaml", ".yml"):
        import yaml  # cookiecutter depends on PyYAML, so the hook's Python has it

        list(yaml.safe_load_all(text))
    elif path.suffix == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # Python 3.10 without tomli: the template's tests still parse TOML
            return
        tomllib.loads(text)


def makefile_problems(root: Path) -> list[str]:
    """Paths named in Makefile recipes (``tests/...``, ``src/...``, ``config/...``) must exist."""
    makefile = root / "Makefile"
    if not makefile.is_file():
        return []
    named = re.findall(r"(?<![\w/.-])((?:tests|src|config)/[\w./-]*)", makefile.read_text(encoding="utf-8"))
    return [f"Makefile: a recipe names {path}, which does not exist" for path in named if not (root / path).exists()]


def main(answers: dict, root: Path) -> int:
    enabled = features(answers)
    if not enabled["postgresql"]:
        remove_postgresql(root)
    if not enabled["redis"]:
        remove_redis(root)
    if not enabled["servers"]:
        remove_servers(root)
    if not enabled["github"]:
        remove_github_ci(root)
    try:
        prune_all_blocks(root, enabled)
    except GenerationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    problems = validate(root)
    for problem in problems:
        print(f"error: generated project is broken: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(ANSWERS, ROOT))
