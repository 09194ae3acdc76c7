"""Every way a user creates a project, walked as a user walks it: the real command in a real terminal (a
pseudo-terminal driven by pexpect), a prompt read, an answer typed, a numbered choice picked from the list shown.

The entry points: `cookiecutter <template>`, `cruft create <git repository>`, `cookiecutter --replay`,
`cookiecutter --config-file` with a `default_context`, and `cookiecutter <git URL> --checkout <tag>`.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pytest
import yaml

from local_extensions import template_questions
from tests.baking import (
    PROJECT_TEMPLATE,
    TEMPLATE_DIR,
    clean_environment,
    git,
    parse_structured,
    project_files,
    template_repository,
)

BIN = Path(sys.executable).parent
QUESTIONS = template_questions()
PROMPTS: dict[str, str] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))["__prompts__"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SHOWN_CHOICE = re.compile(r"^\s*(\d+) - (.+?)\s*$", re.MULTILINE)

# What a user types: free text with quotes, a backslash, accents, CJK and emoji; choices by the number shown.
# A question left out is answered by pressing Enter (its default).
TYPED = {
    "project_name": 'Billing "Events" Ünïcode 漢字 🚀',
    "description": 'Records billing events; it\'s "fast" \\ safe 😀.',
    "author_name": "Zoë O'Brien",
    "author_email": "zoe@example.org",
    "python_version": "3.12",
    "database": "sqlite",
    "redis_event_bus": "no",
}


@dataclass
class Terminal:
    """One command running in a pseudo-terminal, answered prompt by prompt."""

    child: pexpect.spawn
    transcript: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, command: str, args: list[str], cwd: Path, env: dict[str, str]) -> Terminal:
        child = pexpect.spawn(
            str(BIN / command), args, cwd=str(cwd), env=env, encoding="utf-8", timeout=60, dimensions=(50, 160)
        )
        return cls(child)

    def read_until(self, pattern: str) -> str:
        """Wait for ``pattern``; return what the terminal showed up to it, colours removed."""
        self.child.expect(pattern)
        shown = ANSI.sub("", self.child.before + self.child.after)
        self.transcript.append(shown)
        return shown

    def answer(self, question: str, typed: str | None) -> str:
        """Read the question's prompt; type ``typed`` (free text) or pick its number (a choice); Enter for None.
        Returns the default the prompt offered."""
        self.read_until(re.escape(PROMPTS[question]))
        if isinstance(QUESTIONS[question], list):
            shown = self.read_until(r"Choose from .*?: ")
            numbers = {value: number for number, value in SHOWN_CHOICE.findall(shown)}
            self.child.sendline("" if typed is None else numbers[typed])
            return re.findall(r"\((\d+)\): $", shown)[0]
        offered = self.read_until(r": ")
        self.child.sendline("" if typed is None else typed)
        return offered

    def answer_all(self, typed: dict[str, str]) -> None:
        for question in PROMPTS:
            self.answer(question, typed.get(question))

    def finish(self) -> tuple[int, str]:
        """Wait for the command to end; its exit status and everything it printed after the last prompt."""
        self.child.expect(pexpect.EOF, timeout=120)
        self.child.close()
        rest = ANSI.sub("", self.child.before)
        self.transcript.append(rest)
        return self.child.exitstatus, rest


@pytest.fixture
def user_env(tmp_path: Path) -> dict[str, str]:
    """A user's shell: their own cookiecutter configuration (replay and clone folders), a UTF-8 terminal."""
    home = tmp_path / "home"
    home.mkdir()
    config = home / ".cookiecutterrc"
    config.write_text(
        yaml.safe_dump({"replay_dir": str(home / "replay"), "cookiecutters_dir": str(home / "cookiecutters")}),
        encoding="utf-8",
    )
    return clean_environment(HOME=str(home), COOKIECUTTER_CONFIG=str(config), LANG="C.UTF-8", TERM="xterm-256color")


def baked_answers(project: Path) -> dict[str, str]:
    return json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))


def assert_typed_text_reached_the_project(project: Path, typed: dict[str, str]) -> None:
    answers = baked_answers(project)
    assert {question: answers[question] for question in typed} == typed
    metadata = parse_structured(project / "pyproject.toml")["project"]
    assert metadata["description"] == typed["description"]
    assert metadata["authors"] == [{"name": typed["author_name"], "email": typed["author_email"]}]
    assert (project / "README.md").read_text(encoding="utf-8").splitlines()[0] == f"# {typed['project_name']}"


def only_project(output: Path) -> Path:
    (project,) = output.iterdir()
    return project


def tree(project: Path) -> dict[str, str]:
    return {str(path.relative_to(project)): path.read_text(encoding="utf-8") for path in project_files(project)}


def test_cookiecutter_at_the_prompts(tmp_path: Path, user_env: dict[str, str]) -> None:
    terminal = Terminal.start("cookiecutter", [str(TEMPLATE_DIR), "-o", str(tmp_path / "out")], tmp_path, user_env)
    terminal.answer_all(TYPED)
    status, said = terminal.finish()

    assert status == 0, said
    project = only_project(tmp_path / "out")
    assert project.name == "billing_events_unicode_han_zi"  # the slug the prompt offered
    assert_typed_text_reached_the_project(project, TYPED)
    assert not (project / "compose.yaml").exists()  # sqlite and no Redis: no servers


def test_cruft_create_at_the_prompts(tmp_path: Path, user_env: dict[str, str]) -> None:
    template = template_repository(tmp_path / "template")
    command = ["create", str(template), "--output-dir", str(tmp_path / "out")]
    terminal = Terminal.start("cruft", command, tmp_path, user_env)
    terminal.answer_all(TYPED)
    status, said = terminal.finish()

    assert status == 0, said
    project = only_project(tmp_path / "out")
    assert_typed_text_reached_the_project(project, TYPED)
    recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert recorded["commit"] == git(template, "rev-parse", "HEAD").strip()
    assert {question: recorded["context"]["cookiecutter"][question] for question in TYPED} == TYPED


def test_cookiecutter_replay_bakes_the_same_project_again(tmp_path: Path, user_env: dict[str, str]) -> None:
    first = Terminal.start("cookiecutter", [str(TEMPLATE_DIR), "-o", str(tmp_path / "first")], tmp_path, user_env)
    first.answer_all(TYPED)
    assert first.finish()[0] == 0

    again = Terminal.start(
        "cookiecutter", ["--replay", str(TEMPLATE_DIR), "-o", str(tmp_path / "again")], tmp_path, user_env
    )
    status, said = again.finish()  # no question is asked again

    assert status == 0, said
    assert "Project name" not in said
    assert tree(only_project(tmp_path / "again")) == tree(only_project(tmp_path / "first"))


def test_cookiecutter_config_file_defaults_are_offered_at_the_prompts(tmp_path: Path, user_env) -> None:
    defaults = {"author_name": "Zoë From Config", "author_email": "zoe@config.example", "python_version": "3.13"}
    config = yaml.safe_load(Path(user_env["COOKIECUTTER_CONFIG"]).read_text(encoding="utf-8"))
    config_file = tmp_path / "team.yaml"
    config_file.write_text(yaml.safe_dump({**config, "default_context": defaults}), encoding="utf-8")
    terminal = Terminal.start(
        "cookiecutter",
        ["--config-file", str(config_file), str(TEMPLATE_DIR), "-o", str(tmp_path / "out")],
        tmp_path,
        user_env,
    )
    offered = {}
    for question in PROMPTS:  # Enter at the questions the config file answers, typing at the others
        typed = None if question in defaults else TYPED.get(question)
        offered[question] = terminal.answer(question, typed)
    status, said = terminal.finish()

    assert status == 0, said
    assert "(Zoë From Config)" in offered["author_name"]
    assert offered["python_version"] == "1"  # the config's choice is offered first
    answers = baked_answers(only_project(tmp_path / "out"))
    assert {question: answers[question] for question in defaults} == defaults
    assert answers["project_name"] == TYPED["project_name"]


def test_cookiecutter_from_a_git_url_at_a_tag(tmp_path: Path, user_env: dict[str, str]) -> None:
    template = template_repository(tmp_path / "template")
    git(template, "tag", "v1.0")
    readme = template / PROJECT_TEMPLATE.name / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nA line added after v1.0.\n", encoding="utf-8")
    git(template, "commit", "-q", "-am", "After the tag")
    url = f"file://{template}"
    terminal = Terminal.start(
        "cookiecutter", [url, "--checkout", "v1.0", "-o", str(tmp_path / "out")], tmp_path, user_env
    )
    terminal.answer_all(TYPED)
    status, said = terminal.finish()

    assert status == 0, said
    project = only_project(tmp_path / "out")
    assert_typed_text_reached_the_project(project, TYPED)
    assert "A line added after v1.0." not in (project / "README.md").read_text(encoding="utf-8")
    assert (Path(user_env["HOME"]) / "cookiecutters" / "template").is_dir()  # cloned where the user's config says


# -- refusals at the prompts --------------------------------------------------------------------------------------

REFUSED_AT_THE_PROMPTS = [
    ({"project_slug": "a/b"}, "error: project_slug 'a/b' is not a lower-case Python identifier"),
    ({"project_name": "{{ cookiecutter.x }}"}, "error: project_name '{{ cookiecutter.x }}' contains '{{'"),
    ({"description": "A {% raw %} block"}, "error: description 'A {% raw %} block' contains '{%'"),
    ({"author_name": "Ada [if redis]"}, "error: author_name 'Ada [if redis]' contains '[if redis]'"),
    ({"package_name": "filelock"}, "error: package_name 'filelock' would shadow 'filelock'"),
    ({"package_name": "binhex"}, "error: package_name 'binhex' would shadow the standard library module"),
    ({"author_email": "ada at example"}, "error: author_email 'ada at example' is not an email address"),
]


@pytest.mark.parametrize(("typed", "first_line"), REFUSED_AT_THE_PROMPTS, ids=lambda value: next(iter(value), ""))
def test_a_bad_answer_typed_at_the_prompts_is_refused_in_one_block_naming_it(
    tmp_path: Path, user_env: dict[str, str], typed: dict[str, str], first_line: str
) -> None:
    output = tmp_path / "out"
    output.mkdir()
    terminal = Terminal.start("cookiecutter", [str(TEMPLATE_DIR), "-o", str(output)], tmp_path, user_env)
    terminal.answer_all(typed)
    status, said = terminal.finish()

    lines = said.strip().splitlines()
    assert status != 0
    assert lines[0].startswith(first_line), said
    template_block = lines[: lines.index("Nothing was generated. Run again with the answers corrected.") + 1]
    assert all(line.startswith("error: ") for line in template_block[:-1]), template_block
    assert len(template_block) == 2, template_block  # one problem, one line
    assert list(output.iterdir()) == [], "a refusal leaves nothing behind"
