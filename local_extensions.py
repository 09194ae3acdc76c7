"""The template's own facts, handed to the hooks through Jinja so that nothing restates them.

cookiecutter and cruft put the template's folder on ``sys.path`` and load the extension named in
cookiecutter.json's ``_extensions`` (cookiecutter's "local extensions"). The hooks run as scripts from a temporary
file, with no way to find the template's folder, so this is how they learn the questions and the rules:

    QUESTIONS = json.loads({{ template_questions | jsonify | jsonify }})

The template's tests import the same names from here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_DIR = Path(__file__).resolve().parent
RESERVED_NAMES_FILE = TEMPLATE_DIR / "hooks" / "reserved_names.json"

# What Jinja or the post-gen hook's markers would act on. An answer must not hold it: cookiecutter renders the
# recorded answers again as templates on every `cruft update`, and the markers would prune lines of the project.
TEMPLATE_SYNTAX = r"\{\{|\{%|\{#|%\}|\[(?:if|end) \w+\]"
# Template syntax that survived rendering. `{{` counts only before `cookiecutter.`: the GitHub workflow's own
# `${{ ... }}` expressions are copied without rendering and belong in the project.
LEFTOVER_SYNTAX = r"\{\{-?\s*cookiecutter\.|\{%|\{#|%\}|\[(?:if|end) \w+\]"


def template_questions() -> dict[str, object]:
    """Each question of cookiecutter.json with its default; a choice question with its list of choices."""
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    return {key: value for key, value in context.items() if not key.startswith("_")}


def reserved_names() -> dict[str, list[str]]:
    """Import names a package of the project must not take, by where they come from (written by
    ``python -m tests.reserved_names``, checked by the template's tests)."""
    return json.loads(RESERVED_NAMES_FILE.read_text(encoding="utf-8"))


def folder_name(slug: str) -> str:
    """The project's folder: the slug itself when it is one plain folder name, as every valid slug is.

    cookiecutter creates the folder before the pre-gen hook runs and removes it when the hook refuses; a slug
    such as ``a/b`` or ``..`` would make it create ``a/`` (left behind) or use the folder above. The hook then
    refuses the slug; this only keeps the refusal clean."""
    return re.sub(r"[/\\]", "_", slug).strip(".") or "_"


class TemplateFacts(Extension):
    """Jinja globals ``template_questions``, ``reserved_names``, ``template_syntax``, ``leftover_syntax``; the
    filter ``folder_name`` (the template folder's own name uses it)."""

    def __init__(self, environment: Environment) -> None:
        # Read afresh for each environment, never cached: `cruft update` renders two commits of the template,
        # from one checkout, in one process.
        super().__init__(environment)
        environment.globals.update(
            template_questions=template_questions(),
            reserved_names=reserved_names(),
            template_syntax=TEMPLATE_SYNTAX,
            leftover_syntax=LEFTOVER_SYNTAX,
        )
        environment.filters["folder_name"] = folder_name
