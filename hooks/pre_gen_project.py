"""Refuse answers that would bake a broken project, before anything is written.

Cookiecutter renders this file with the answers, then runs it; a non-zero exit makes cookiecutter delete the
output directory, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import keyword
import re
import sys

IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")


def identifier_problem(question: str, value: str) -> str | None:
    if not IDENTIFIER.match(value):
        return f"{question} {value!r} must be a lower-case Python identifier (letters, digits, _; no leading digit)"
    if keyword.iskeyword(value):
        return f"{question} {value!r} is a Python keyword; choose another name"
    return None


def main(answers: dict[str, str]) -> int:
    problems = [
        problem
        for question in ("project_slug", "package_name")
        if (problem := identifier_problem(question, answers[question])) is not None
    ]
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    # jsonify makes any answer a valid Python string literal, quotes and backslashes included.
    sys.exit(main({"project_slug": {{ cookiecutter.project_slug | jsonify }}, "package_name": {{ cookiecutter.package_name | jsonify }}}))
