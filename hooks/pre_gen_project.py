"""Refuse answers that would bake a broken project, before anything is written.

One line per problem, naming the answer and what would be accepted. Cookiecutter deletes the output directory
when this hook fails, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata

ANSWERS = json.loads({{ cookiecutter | jsonify | jsonify }})
# The answers as typed, before cookiecutter rendered them as templates (absent under some callers).
TYPED = json.loads({{ _cookiecutter | default({}) | jsonify | jsonify }})

CHOICES = {
    "python_version": ("3.10", "3.11", "3.12", "3.13"),
    "database": ("postgresql", "sqlite"),
    "redis_event_bus": ("yes", "no"),
    "async_support": ("yes", "no"),
    "ci": ("github", "none"),
}
FREE_TEXT = {"project_name": 100, "description": 300, "author_name": 100}
MAY_BE_EMPTY = {"description"}
IDENTIFIERS = ("project_slug", "package_name")
KNOWN = {*CHOICES, *FREE_TEXT, *IDENTIFIERS, "author_email"}
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s\"'<>(),;:\\]+@[^@\s\"'<>(),;:\\]+\.[a-zA-Z]{2,}\Z")
# Names the generated project imports or creates: a package called like one of these would shadow it.
TAKEN_NAMES = {
    "conftest", "tests", "test", "src", "config", "build", "dist", "docs",
    "pytest", "_pytest", "pluggy", "hypothesis", "factory", "faker", "fakeredis", "redis", "sqlalchemy",
    "psycopg", "psycopg2", "pytest_postgresql", "yaml", "jsonschema", "dotenv", "testmon", "xdist",
    "pytest_asyncio", "pytest_cov", "coverage", "pytest_randomly", "ruff", "hatchling", "uv",
}  # fmt: skip


def free_text_problems(question: str, value: str, limit: int) -> list[str]:
    problems = []
    if not value.strip() and question not in MAY_BE_EMPTY:
        problems.append(f"{question} is empty; type a few words")
    if len(value) > limit:
        problems.append(f"{question} is {len(value)} characters long; at most {limit} are accepted")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        problems.append(f"{question} contains control characters (a newline or a tab, say); use one plain line")
    return problems


def identifier_problems(question: str, value: str) -> list[str]:
    if not IDENTIFIER.match(value):
        return [
            f"{question} {value!r} is not a lower-case Python identifier: use letters, digits and _, "
            f"starting with a letter (for example {question}=my_service)"
        ]
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        return [f"{question} {value!r} is a Python keyword; choose another name"]
    if value in sys.stdlib_module_names:
        return [f"{question} {value!r} would shadow the standard library module {value!r}; choose another name"]
    if value in TAKEN_NAMES:
        return [f"{question} {value!r} would shadow {value!r}, which the generated project uses; choose another name"]
    if len(value) > 40:
        return [f"{question} {value!r} is longer than 40 characters; choose a shorter name"]
    return []


def problems(answers: dict, typed: dict) -> list[str]:
    found = [
        f"{key!r} is not a question of this template; the questions are: {', '.join(sorted(KNOWN))}"
        for key in answers
        if not key.startswith("_") and key not in KNOWN
    ]
    for question, limit in FREE_TEXT.items():
        found += free_text_problems(question, str(answers[question]), limit)
        if question in typed and typed[question] != answers[question]:
            found.append(f"{question} contains template syntax (double braces or brace-percent); leave it out")
    for question in IDENTIFIERS:
        found += identifier_problems(question, str(answers[question]))
    if not EMAIL.match(str(answers["author_email"])):
        found.append(f"author_email {answers['author_email']!r} is not an email address like name@example.com")
    for question, accepted in CHOICES.items():
        if answers[question] not in accepted:
            found.append(f"{question} {answers[question]!r} is not one of: {', '.join(accepted)}")
    return found


def main(answers: dict, typed: dict) -> int:
    found = problems(answers, typed)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        print("Nothing was generated. Run again with the answers corrected.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(ANSWERS, TYPED))
