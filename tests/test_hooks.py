"""The hooks' functions, tested directly (cookiecutter-django's tests/test_hooks.py style)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.baking import TEMPLATE_DIR, load_hook

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

DEFAULTS = {
    "project_name": "Work Queue",
    "project_slug": "work_queue",
    "package_name": "work_queue",
    "description": "A service.",
    "author_name": "Ada Lovelace",
    "author_email": "ada@example.com",
    "python_version": "3.10",
    "database": "postgresql",
    "redis_event_bus": "yes",
    "ci": "github",
    "_template": "/somewhere",
}
ALL_ON = {"postgresql": True, "sqlite": False, "redis": True, "no_redis": False, "servers": True, "github": True}


def answers(**changes: str) -> dict[str, str]:
    return {**DEFAULTS, **changes}


# pre_gen_project: validation


def test_the_defaults_have_no_problems() -> None:
    assert pre_gen.problems(answers(), raw={}) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"project_slug": "1st_service"}, "project_slug '1st_service' is not a lower-case Python identifier"),
        ({"project_slug": "my-service"}, "project_slug 'my-service' is not a lower-case Python identifier"),
        ({"package_name": "MyService"}, "package_name 'MyService' is not a lower-case Python identifier"),
        ({"package_name": "class"}, "package_name 'class' is a Python keyword"),
        ({"package_name": "match"}, "package_name 'match' is a Python keyword"),
        ({"package_name": "json"}, "would shadow the standard library module 'json'"),
        ({"package_name": "pytest"}, "would shadow 'pytest', which the generated project uses"),
        ({"project_slug": "tests"}, "would shadow 'tests', which the generated project uses"),
        ({"package_name": "a" * 41}, "longer than 40 characters"),
        ({"author_email": "ada at example"}, "author_email 'ada at example' is not an email address"),
        ({"author_email": 'a"b@example.com'}, "is not an email address"),
        ({"project_name": "   "}, "project_name is empty"),
        ({"project_name": "Two\nlines"}, "project_name contains control characters"),
        ({"author_name": "Tab\there"}, "author_name contains control characters"),
        ({"description": "x" * 301}, "description is 301 characters long; at most 300 are accepted"),
        ({"python_version": "3.9"}, "python_version '3.9' is not one of: 3.10, 3.11, 3.12, 3.13"),
        ({"database": "mysql"}, "database 'mysql' is not one of: postgresql, sqlite"),
        ({"ci": "gitlab"}, "ci 'gitlab' is not one of: github, none"),
        ({"colour": "blue"}, "'colour' is not a question of this template"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_a_bad_answer_is_named_with_what_would_be_accepted(changes: dict, message: str) -> None:
    found = pre_gen.problems(answers(**changes), raw={})

    assert len(found) == 1, found
    assert message in found[0]


def test_every_problem_is_reported_at_once() -> None:
    found = pre_gen.problems(answers(project_slug="1x", author_email="nope", ci="travis"), raw={})

    assert [problem.split()[0] for problem in found] == ["project_slug", "author_email", "ci"]


@pytest.mark.parametrize("text", ["{{ 7 * 7 }}", "a {% if x %}", "{# note", "b %}", "[if redis]", "x [end redis]"])
def test_template_syntax_typed_into_any_answer_is_refused_naming_it(text: str) -> None:
    found = pre_gen.problems(answers(project_name=text, author_name=text), raw={})

    assert [problem.split()[0] for problem in found] == ["author_name", "project_name"]  # the order of jsonify
    assert f"project_name {text!r} contains" in found[1]
    assert "template syntax" in found[1]


def test_template_syntax_cookiecutter_already_rendered_is_refused_from_the_raw_value() -> None:
    found = pre_gen.problems(answers(project_name="49 Service"), raw={"project_name": "{{ 7 * 7 }} Service"})

    assert found == [
        "project_name '{{ 7 * 7 }} Service' contains '{{', which is template syntax to cookiecutter and to this "
        "template; leave it out"
    ]


def test_the_templates_own_templated_defaults_are_not_template_syntax_typed_by_a_user() -> None:
    raw = dict(pre_gen.QUESTIONS)

    assert "{{" in raw["project_slug"]
    assert pre_gen.problems(answers(), raw=raw) == []


def test_answers_typed_at_the_prompts_are_not_compared_with_the_defaults() -> None:
    typed = answers(project_name="Billing Events", description='Records "billing" events 😀.', author_name="Ada")

    assert pre_gen.problems(typed, raw=dict(pre_gen.QUESTIONS)) == []


@pytest.mark.parametrize(
    ("given", "rendered", "shown"), [(42, "42", "42"), (True, True, "true"), (None, None, "null")], ids=str
)
def test_a_config_file_value_that_yaml_reads_as_not_text_is_refused(given, rendered, shown) -> None:
    found = pre_gen.problems(answers(author_name=rendered), raw={"author_name": given})

    assert found == [
        f"author_name is {shown}, not text (YAML reads yes, no, on, off, null and bare numbers so): put the value "
        "in quotes in the config file"
    ]


def test_a_config_file_list_for_a_text_question_is_refused() -> None:
    found = pre_gen.problems(answers(author_name=["a", "b"]), raw={"author_name": ["a", "b"]})

    assert found[0].startswith('author_name is ["a", "b"], not text')


def test_an_apostrophe_before_the_at_sign_is_an_email_address() -> None:
    assert pre_gen.problems(answers(author_email="o'neil@example.org"), raw={}) == []


@pytest.mark.parametrize("name", ["filelock", "packaging", "tomli", "exceptiongroup", "py", "pytest_split"])
def test_a_package_named_like_a_module_a_dependency_installs_is_refused(name: str) -> None:
    assert pre_gen.problems(answers(package_name=name), raw={}) == [
        f"package_name {name!r} would shadow {name!r}, which the generated project uses; choose another name"
    ]


@pytest.mark.parametrize("name", ["binhex", "distutils", "tomllib"])
def test_a_module_of_any_supported_pythons_standard_library_is_refused(name: str) -> None:
    """binhex and distutils left the standard library in 3.11 and 3.12; tomllib arrived in 3.11."""
    assert pre_gen.problems(answers(package_name=name), raw={}) == [
        f"package_name {name!r} would shadow the standard library module {name!r}; choose another name"
    ]


def test_a_soft_keyword_of_a_later_python_is_refused() -> None:
    assert pre_gen.problems(answers(package_name="type"), raw={}) == [
        "package_name 'type' is a Python keyword; choose another name"
    ]


def test_the_questions_and_choices_are_cookiecutter_json_itself() -> None:
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))

    assert {key: value for key, value in context.items() if not key.startswith("_")} == pre_gen.QUESTIONS
    assert pre_gen.choices("database") == context["database"]
    assert pre_gen.choices("project_name") is None


def test_every_question_a_rule_names_is_a_question_of_the_template() -> None:
    named = {*pre_gen.FREE_TEXT, *pre_gen.MAY_BE_EMPTY, *pre_gen.IDENTIFIERS, "author_email"}

    assert named <= set(pre_gen.QUESTIONS)


def test_main_prints_one_line_per_problem_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status = pre_gen.main(answers(project_slug="1x", author_email="nope"), raw={})

    errors = capsys.readouterr().err.splitlines()
    assert status == 1
    assert [line.split(":")[0] for line in errors[:2]] == ["error", "error"]
    assert errors[-1] == "Nothing was generated. Run again with the answers corrected."


# post_gen_project: pruning


def test_features_follow_the_answers() -> None:
    assert post_gen.features(answers(database="sqlite", redis_event_bus="no", ci="none")) == {
        "postgresql": False,
        "sqlite": True,
        "redis": False,
        "no_redis": True,
        "servers": False,
        "github": False,
    }


def test_an_enabled_block_loses_only_its_markers() -> None:
    text = "a\n# [if redis]\nb\n# [end redis]\nc\n"

    assert post_gen.prune_blocks(text, ALL_ON, "f") == "a\nb\nc\n"


def test_a_disabled_block_goes_entirely() -> None:
    text = "a\n# [if redis]\nb\n# [end redis]\nc\n"

    assert post_gen.prune_blocks(text, {**ALL_ON, "redis": False}, "f") == "a\nc\n"


def test_a_marked_line_is_kept_without_its_marker_or_dropped() -> None:
    text = 'deps = [\n    "redis",  # [if redis]\n    "sqlalchemy",\n]\n'

    assert post_gen.prune_blocks(text, ALL_ON, "f") == 'deps = [\n    "redis",\n    "sqlalchemy",\n]\n'
    assert post_gen.prune_blocks(text, {**ALL_ON, "redis": False}, "f") == 'deps = [\n    "sqlalchemy",\n]\n'


def test_markdown_markers_work_the_same() -> None:
    text = "- one\n- two <!-- [if github] -->\n<!-- [if redis] -->\nthree\n<!-- [end redis] -->\n"

    assert post_gen.prune_blocks(text, {**ALL_ON, "redis": False}, "f") == "- one\n- two\n"


def test_nested_blocks_need_both_features() -> None:
    text = "# [if servers]\na\n# [if redis]\nb\n# [end redis]\n# [end servers]\n"

    assert post_gen.prune_blocks(text, {**ALL_ON, "redis": False}, "f") == "a\n"
    assert post_gen.prune_blocks(text, {**ALL_ON, "servers": False}, "f") == ""


def test_removal_between_two_blank_lines_keeps_one_and_none_at_the_end() -> None:
    text = "import a\n\nimport redis  # [if redis]\n\nx = 1\n# [if redis]\n\ny = 2\n# [end redis]\n"

    assert post_gen.prune_blocks(text, {**ALL_ON, "redis": False}, "f") == "import a\n\nx = 1\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# [if redis]\na\n", r"f: \[if redis\] is never closed"),
        ("a\n# [end redis]\n", r"f:2: \[end redis\] without a matching \[if redis\]"),
        ("# [if kafka]\na\n# [end kafka]\n", r"f:1: unknown feature 'kafka'"),
    ],
)
def test_malformed_markers_fail_naming_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(post_gen.GenerationError, match=message):
        post_gen.prune_blocks(text, ALL_ON, "f")


# post_gen_project: validation


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in post_gen.REQUIRED_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "tests" / "unit").mkdir()
    (tmp_path / "Makefile").write_text("test-unit:\n\tpytest tests/unit\n", encoding="utf-8")
    return tmp_path


def test_a_sound_project_validates(project: Path) -> None:
    assert post_gen.validate(project) == []


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("broken.py", "def f(:\n", "broken.py: does not parse"),
        ("data.json", "{", "data.json: does not parse"),
        ("conf.yaml", "a: [", "conf.yaml: does not parse"),
        ("left.md", "# {{ cookiecutter.project_name }}\n", "left.md:1: template syntax left over"),
        ("marker.toml", "x = 1  # [if redis]\n", "marker.toml:1: template syntax left over"),
    ],
)
def test_a_broken_file_is_named(project: Path, name: str, content: str, problem: str) -> None:
    (project / name).write_text(content, encoding="utf-8")

    assert [found for found in post_gen.validate(project) if found.startswith(problem)]


def test_a_missing_required_file_is_named(project: Path) -> None:
    (project / "README.md").unlink()

    assert post_gen.validate(project) == ["README.md: missing"]


def test_a_makefile_recipe_naming_a_missing_path_is_named(project: Path) -> None:
    (project / "Makefile").write_text("test-e2e:\n\tpytest tests/e2e\n", encoding="utf-8")

    assert post_gen.validate(project) == ["Makefile: a recipe names tests/e2e, which does not exist"]


def test_removing_a_feature_deletes_its_files(tmp_path: Path) -> None:
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_event_bus.py").write_text("", encoding="utf-8")
    (tmp_path / "tests" / "unit" / "test_models.py").write_text("", encoding="utf-8")

    post_gen.remove_redis(tmp_path)

    assert [path.name for path in (tmp_path / "tests" / "unit").iterdir()] == ["test_models.py"]
