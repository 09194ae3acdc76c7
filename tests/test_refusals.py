"""Bad answers are refused before anything is written; free text of any shape either is refused cleanly or
reaches every file intact."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cookiecutter.exceptions import CookiecutterException, FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateError

from tests.baking import TEMPLATE_DIR, bake, leftover_template_syntax, parse_structured, project_files

BIN = Path(sys.executable).parent

BAD_ANSWERS = [
    ({"project_name": "1st Service"}, "project_slug '1st_service' is not a lower-case Python identifier"),
    ({"project_slug": "my-service"}, "project_slug 'my-service' is not a lower-case Python identifier"),
    ({"project_name": "Class"}, "project_slug 'class' is a Python keyword"),
    ({"project_name": "Queue"}, "would shadow the standard library module 'queue'"),
    ({"package_name": "sqlalchemy"}, "would shadow 'sqlalchemy', which the generated project uses"),
    ({"project_name": "A\nB"}, "project_name contains control characters"),
    ({"author_email": "nobody"}, "author_email 'nobody' is not an email address"),
    ({"project_name": "{{ 6 * 7 }} Service"}, "project_name '{{ 6 * 7 }} Service' contains '{{'"),
    ({"description": "Uses %} and [if redis] markers"}, "description 'Uses %} and [if redis] markers' contains '%}'"),
    ({"project_slug": "a/b"}, "project_slug 'a/b' is not a lower-case Python identifier"),
    ({"project_slug": ".."}, "project_slug '..' is not a lower-case Python identifier"),
    ({"package_name": "pytest_split"}, "package_name 'pytest_split' would shadow 'pytest_split'"),
    ({"package_name": "binhex"}, "package_name 'binhex' would shadow the standard library module 'binhex'"),
]


def refusal(output_dir: Path, capfd: pytest.CaptureFixture[str], **answers: str) -> str:
    """Bake, expect the pre-gen hook to refuse, and return what it said."""
    with pytest.raises(FailedHookException):
        bake(output_dir, **answers)
    return capfd.readouterr().err


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=lambda value: json.dumps(value)[:40])
def test_a_bad_answer_is_refused_with_its_reason_and_leaves_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], answers: dict, message: str
) -> None:
    said = refusal(tmp_path, capfd, **answers)

    assert said.startswith("error: "), said
    assert message in said.splitlines()[0]
    assert said.splitlines()[-1] == "Nothing was generated. Run again with the answers corrected."
    assert list(tmp_path.iterdir()) == []


def test_a_choice_outside_its_options_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"mysql provided for choice variable database, but the choices are"):
        bake(tmp_path, database="mysql")

    assert list(tmp_path.iterdir()) == []


def test_an_unknown_question_in_a_replayed_answer_file_is_refused(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    project = bake(tmp_path / "first")
    answers = json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))
    replay = tmp_path / "answers.json"
    replay.write_text(json.dumps({"cookiecutter": {**answers, "colour": "blue"}}), encoding="utf-8")

    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE_DIR), replay=str(replay), output_dir=str(tmp_path / "second"))

    assert "'colour' is not a question of this template" in capfd.readouterr().err
    assert not (tmp_path / "second" / "work_queue").exists()


JINJA_OPENER = re.compile(r"\{\{|\{%|\{#")

# Free text from every corner of Unicode, plus the characters that break TOML, YAML, JSON and Markdown.
awkward = st.sampled_from(['"', "'", "\\", "\\n", "{", "}", "#", ":", "-", "`", "*", "<!--", "é", "ß", "漢", "😀", " "])
printable = st.characters(exclude_categories=("Cc", "Cs"))
printable_text = st.one_of(
    st.text(printable, min_size=1, max_size=120),
    st.lists(st.one_of(awkward, st.text(printable, max_size=6)), min_size=1, max_size=20).map("".join),
)
free_text = st.one_of(printable_text, printable_text, printable_text, st.text(max_size=40))  # last: controls too
names = st.one_of(
    st.builds(str.__add__, st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,24}", fullmatch=True), printable_text),
    free_text,
)


@settings(
    deadline=None,
    # capfd is read before each example, so what one example printed never reaches the next
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(project_name=names, description=free_text, author_name=free_text)
def test_any_free_text_is_refused_cleanly_or_reaches_the_project_intact(
    project_name, description, author_name, capfd: pytest.CaptureFixture[str]
) -> None:
    """Cleanly: the hook's first line names a question, or, for Jinja typed where cookiecutter renders it (the
    command line, a config file), cookiecutter's own error, as the README shows."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        capfd.readouterr()
        try:
            project = bake(output, project_name=project_name, description=description, author_name=author_name)
        except FailedHookException:
            first_line = capfd.readouterr().err.splitlines()[0]
            event("refused by the hook")
            assert re.match(r"error: (project_name|project_slug|package_name|description|author_name)\b", first_line)
            assert list(output.iterdir()) == [], "a refusal must leave nothing behind"
            return
        except (CookiecutterException, TemplateError):
            event("refused by cookiecutter's Jinja")
            assert JINJA_OPENER.search(project_name + description + author_name)
            assert list(output.iterdir()) == [], "a refusal must leave nothing behind"
            return
        event("baked")

        assert leftover_template_syntax(project) == []
        for path in project_files(project):
            if path.suffix in (".toml", ".yaml", ".json"):
                parse_structured(path)
        pyproject = parse_structured(project / "pyproject.toml")["project"]
        recorded = json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))
        assert pyproject["description"] == description
        assert pyproject["authors"][0]["name"] == author_name
        assert (project / "README.md").read_text(encoding="utf-8").splitlines()[0] == f"# {project_name}"
        assert (recorded["project_name"], recorded["description"], recorded["author_name"]) == (
            project_name,
            description,
            author_name,
        )


# What cookiecutter itself prints, before the template can speak, for answers it fails on first: the README's
# refusal section quotes these lines, and the test holds the README to them.
COOKIECUTTER_OWN_ERRORS = [
    (["python_version=3.9"], "ValueError: 3.9 provided for choice variable python_version, but the choices are"),
    (["project_name={%"], "jinja2.exceptions.TemplateSyntaxError: "),
    (["project_name={{ name }}"], "Unable to render variable 'project_name'"),
]


@pytest.mark.parametrize(("arguments", "printed"), COOKIECUTTER_OWN_ERRORS, ids=lambda value: str(value)[:30])
def test_what_cookiecutter_prints_for_answers_it_fails_on_is_in_the_readme(
    tmp_path: Path, arguments: list[str], printed: str
) -> None:
    command = [str(BIN / "cookiecutter"), "--no-input", str(TEMPLATE_DIR), "-o", str(tmp_path / "out"), *arguments]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    said = (result.stdout + result.stderr).splitlines()

    assert result.returncode != 0
    assert any(line.startswith(printed) for line in said), said[-5:]
    assert f"`{printed}" in (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
