"""The template's own files, before any rendering."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tests.baking import PROJECT_TEMPLATE, TEMPLATE_DIR, as_python_before_rendering

TEMPLATED_PYTHON = sorted([*PROJECT_TEMPLATE.rglob("*.py"), *(TEMPLATE_DIR / "hooks").glob("*.py")])


def test_there_is_templated_python_to_check() -> None:
    assert len(TEMPLATED_PYTHON) > 40


@pytest.mark.parametrize("path", TEMPLATED_PYTHON, ids=lambda path: str(path.relative_to(TEMPLATE_DIR)))
def test_templated_python_is_python_before_rendering(path: Path) -> None:
    source = path.read_text(encoding="utf-8")

    assert "{%" not in source, "Jinja control flow in a .py file: prune files in post-gen instead"
    ast.parse(as_python_before_rendering(source), filename=str(path))


def test_the_placeholder_check_catches_jinja_outside_names_and_strings() -> None:
    with pytest.raises(SyntaxError):
        ast.parse(as_python_before_rendering("value = {{ cookiecutter.x }} {{ cookiecutter.y }}\n"))


def test_every_question_has_a_prompt_and_choices_start_with_their_default() -> None:
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    questions = [key for key in context if not key.startswith("_")]

    assert set(context["__prompts__"]) == set(questions)
    assert context["database"][0] == "postgresql"
    assert context["python_version"] == ["3.10", "3.11", "3.12", "3.13"]


def test_the_unit_conftest_suite_retrofit_writes_refuses_connections_as_the_template_s_does() -> None:
    """The toolkit cannot read the project's tests/unit/conftest.py (it is installed apart from any project), so
    ``suite-retrofit apply`` carries its own copy: the same fixture, its advice aside."""
    apply = ast.parse((PROJECT_TEMPLATE / "pytest-suite-toolkit/src/suite_toolkit/retrofit/apply.py").read_text())
    retrofit_copy = next(
        node.value.value
        for node in apply.body
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ["UNIT_CONFTEST"]
    )
    template = (PROJECT_TEMPLATE / "tests/unit/conftest.py").read_text(encoding="utf-8")

    assert refusal(retrofit_copy) == refusal(template)
    assert "move this test to" in retrofit_copy


def refusal(conftest: str) -> str:
    """The ``no_network`` fixture of a conftest, its docstrings and messages (f-strings) blanked out."""
    [fixture] = [node for node in ast.parse(conftest).body if getattr(node, "name", "") == "no_network"]
    for node in ast.walk(fixture):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            node.value.value = ""
        elif isinstance(node, ast.JoinedStr):
            node.values = []
    return ast.dump(fixture)
