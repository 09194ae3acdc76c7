"""Refuse answers that would bake a broken project, before anything is written.

One line per problem, naming the answer and what would be accepted. Cookiecutter deletes the output directory
when this hook fails, so a refusal leaves nothing behind. The questions, their choices and the reserved names
come from the template itself (local_extensions.py), never from a list kept here.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata

ANSWERS = json.loads({{ cookiecutter | jsonify | jsonify }})
# Each answer before cookiecutter rendered it as a template: what was given on the command line, in a config
# file or as a default. cruft does not provide it.
RAW = json.loads({{ _cookiecutter | default({}) | jsonify | jsonify }})
QUESTIONS = json.loads({{ template_questions | jsonify | jsonify }})
RESERVED = json.loads({{ reserved_names | jsonify | jsonify }})
TEMPLATE_SYNTAX = re.compile(json.loads({{ template_syntax | jsonify | jsonify }}))

FREE_TEXT = {"project_name": 100, "description": 300, "author_name": 100}
MAY_BE_EMPTY = {"description"}
IDENTIFIERS = ("project_slug", "package_name")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
EMAIL = re.compile(r"[^@\s\"<>(),;:\\]+@[^@\s\"'<>(),;:\\]+\.[a-zA-Z]{2,}\Z")  # o'neil@ is an address
# The folders of the generated project: a package called like one would be shadowed by it, or shadow it.
# Soft keywords of every supported Python (3.12 added `type`), not only of the one running this hook.
SOFT_KEYWORDS = {"match", "case", "type"}
PROJECT_FOLDERS = {"conftest", "tests", "test", "src", "config", "build", "dist", "docs"}


def choices(question: str) -> list[str] | None:
    """The choices of a choice question; None for a question answered in free text."""
    default = QUESTIONS.get(question)
    return [str(choice) for choice in default] if isinstance(default, list) else None


def type_problem(question: str, answer: object, raw: object) -> str | None:
    """A value a config file's YAML read as something other than text (``42``, ``yes``, ``null``)."""
    if not isinstance(answer, str):
        given = answer  # a YAML list or mapping, true, false or null
    elif not isinstance(raw, (str, list)) and str(raw) == answer:
        given = raw  # a number, which cookiecutter turned into text
    else:
        return None
    return (
        f"{question} is {json.dumps(given)}, not text (YAML reads yes, no, on, off, null and bare numbers so): "
        "put the value in quotes in the config file"
    )


def syntax_problem(question: str, answer: str, raw: object) -> str | None:
    """Template syntax typed at a prompt, or given on the command line or in a config file (where cookiecutter
    has already rendered it: the raw value still shows it)."""
    given = raw if isinstance(raw, str) and raw != QUESTIONS.get(question) else ""
    for value in (answer, given):
        if found := TEMPLATE_SYNTAX.search(value):
            return (
                f"{question} {value!r} contains {found[0]!r}, which is template syntax to cookiecutter and to "
                "this template; leave it out"
            )
    return None


def free_text_problems(question: str, value: str, limit: int) -> list[str]:
    problems = []
    if not value.strip() and question not in MAY_BE_EMPTY:
        problems.append(f"{question} is empty; type a few words")
    if len(value) > limit:
        problems.append(f"{question} is {len(value)} characters long; at most {limit} are accepted")
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in value):
        problems.append(
            f"{question} contains control characters (a newline or a tab, say) or bytes that are not UTF-8; "
            "use one plain line"
        )
    return problems


def identifier_problems(question: str, value: str) -> list[str]:
    if not IDENTIFIER.match(value):
        return [
            f"{question} {value!r} is not a lower-case Python identifier: use letters, digits and _, "
            f"starting with a letter (for example {question}=my_service)"
        ]
    if keyword.iskeyword(value) or value in SOFT_KEYWORDS:
        return [f"{question} {value!r} is a Python keyword; choose another name"]
    if value in RESERVED["stdlib"] or value in sys.stdlib_module_names:
        return [f"{question} {value!r} would shadow the standard library module {value!r}; choose another name"]
    if value in RESERVED["dependencies"] or value in PROJECT_FOLDERS:
        return [f"{question} {value!r} would shadow {value!r}, which the generated project uses; choose another name"]
    if len(value) > 40:
        return [f"{question} {value!r} is longer than 40 characters; choose a shorter name"]
    return []


def problems(answers: dict, raw: dict) -> list[str]:
    found = [
        f"{key!r} is not a question of this template; the questions are: {', '.join(QUESTIONS)}"
        for key in answers
        if not key.startswith("_") and key not in QUESTIONS
    ]
    broken = set()  # questions whose value is not text, or holds template syntax: nothing more to say of them
    for question in QUESTIONS:
        answer, given = answers.get(question), raw.get(question, "")
        problem = type_problem(question, answer, given) or syntax_problem(question, str(answer), given)
        if problem:
            found.append(problem)
            broken.add(question)
    for question, limit in FREE_TEXT.items():
        if question not in broken:
            found += free_text_problems(question, answers[question], limit)
    for question in IDENTIFIERS:
        repeats_the_slug = question == "package_name" and answers["package_name"] == answers["project_slug"]
        if question not in broken and not repeats_the_slug:  # it defaults to the slug: one typo, one line
            found += identifier_problems(question, answers[question])
    if "author_email" not in broken and not EMAIL.match(answers["author_email"]):
        found.append(f"author_email {answers['author_email']!r} is not an email address like name@example.com")
    for question in QUESTIONS:
        accepted = choices(question)
        if accepted and question not in broken and answers[question] not in accepted:
            found.append(f"{question} {answers[question]!r} is not one of: {', '.join(accepted)}")
    return found


def main(answers: dict, raw: dict) -> int:
    found = problems(answers, raw)
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        print("Nothing was generated. Run again with the answers corrected.", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(ANSWERS, RAW))
