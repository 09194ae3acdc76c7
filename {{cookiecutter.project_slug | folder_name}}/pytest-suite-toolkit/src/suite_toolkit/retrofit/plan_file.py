"""The plan as a file (``PLAN``): Markdown a person reads and edits, whose first three tables ``apply`` reads back
(the format is in this package's docstring). Only this module knows it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from suite_toolkit.retrofit import OBSERVED


@dataclass(frozen=True)
class FileRow:
    file: str
    tier: str
    moves_to: str
    evidence: str


@dataclass(frozen=True)
class FixtureRow:
    fixture: str
    defined_in: tuple[str, ...]
    moves_to: str


@dataclass
class Plan:
    tiers: list[str]  # the tiers setting: "folder: description" lines
    files: list[FileRow]
    shared_fixtures: list[FixtureRow]
    notes: str = ""  # the sections for the reader, kept as written

    def markdown(self) -> str:
        tiers = [[f"`{folder}`", description] for folder, description in map(folder_and_description, self.tiers)]
        files = [[f"`{row.file}`", row.tier, f"`{row.moves_to}`", row.evidence] for row in self.files]
        fixtures = [
            [f"`{row.fixture}`", ", ".join(f"`{file}`" for file in row.defined_in), f"`{row.moves_to}`"]
            for row in self.shared_fixtures
        ]
        sections = [
            HEADER,
            table("Tiers", ["Folder", "Description"], tiers),
            table("Files", ["File", "Tier", "Moves to", "Evidence"], files),
            table("Shared fixtures", ["Fixture", "Defined in", "Moves to"], fixtures),
            self.notes,
        ]
        return "\n\n".join(section for section in sections if section) + "\n"

    @classmethod
    def read(cls, text: str) -> Plan:
        """The plan as edited. A file's tier decides its tier folder: Moves to follows a changed Tier into the
        new tier's folder (keeping its name and subfolders). Raises ValueError on a table it cannot read."""
        sections = split_sections(text)
        tiers = [tier_line(unquote(folder), description) for folder, description in rows(sections.pop("Tiers", ""), 2)]
        folders = {
            PurePosixPath(folder).name: PurePosixPath(folder) for folder, _ in map(folder_and_description, tiers)
        }
        files = []
        for file, tier, moves_to, evidence in rows(sections.pop("Files", ""), 4):
            if tier not in folders:
                raise ValueError(f"{unquote(file)} has the tier {tier!r}, which the Tiers table does not list")
            files.append(
                FileRow(unquote(file), tier, in_tier_folder(unquote(moves_to), folders[tier], folders), evidence)
            )
        fixtures = [
            FixtureRow(unquote(name), tuple(unquote(file) for file in defined_in.split(",")), unquote(module))
            for name, defined_in, module in rows(sections.pop("Shared fixtures", ""), 3)
        ]
        return cls(tiers, files, fixtures, "\n\n".join(sections.values()))


HEADER = f"""# Test suite retrofit plan

`suite-retrofit plan` wrote this from one run of the suite as it is (`{OBSERVED}`).
Review it, edit it, then run `suite-retrofit apply`: it reads only the first three tables, moves the files, and
proves that every test keeps its outcome, or puts everything back.

- **Tiers**: the tier folders (the `tiers` setting). Add a row for a tier of your own.
- **Files**: change a file's Tier (Moves to follows into that tier's folder) or its Moves to (another name, a
  subfolder); delete a row to leave the file where it is.
- **Shared fixtures**: the copies of a fixture that become one, in the module of Moves to; delete a row to keep
  the copies."""


def folder_and_description(line: str) -> tuple[str, str]:
    folder, _, description = (part.strip() for part in line.partition(":"))
    return folder, description


def tier_line(folder: str, description: str) -> str:
    return f"{folder}: {description}" if description else folder


def in_tier_folder(moves_to: str, folder: PurePosixPath, folders: dict[str, PurePosixPath]) -> str:
    """``moves_to`` moved into ``folder`` when it is in another tier's folder."""
    path = PurePosixPath(moves_to)
    other = next((f for f in folders.values() if f in path.parents and f != folder), None)
    return str(folder / path.relative_to(other)) if other and folder not in path.parents else moves_to


def section(title: str, lead: str, lines: list[str]) -> str:
    return "\n".join([f"## {title}", "", *([lead, ""] if lead else []), *lines]) if lines else ""


def table(title: str, header: list[str], cells: list[list[str]]) -> str:
    lines = [f"## {title}", "", row(header), "|" + "---|" * len(header)]
    return "\n".join(lines + [row(line) for line in cells])


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def split_sections(text: str) -> dict[str, str]:
    """The ``## `` sections after the header, by title; each one's text, heading included, stripped."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        if current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def rows(text: str, columns: int) -> Iterator[list[str]]:
    """The cells of a table's rows, header and separator left out."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    for line in lines[1:]:
        if re.fullmatch(r"\|[\s:|-]*\|", line):
            continue
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if len(cells) != columns:
            raise ValueError(f"expected {columns} cells in {line!r}")
        yield cells


def unquote(cell: str) -> str:
    return cell.strip().strip("`")
