"""Write hooks/reserved_names.json: the import names a baked project's package must not take.

    uv run python -m tests.reserved_names

A package named like a module of the standard library (of any Python the template supports) or like a module
that one of the project's resolved dependencies installs would shadow it, and the project's suite could not
start. The pre-gen hook reads this file (through local_extensions.py); tests/test_reserved_names.py fails when
a fresh bake installs a module the file does not list, or a supported Python has a module it does not list.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from local_extensions import RESERVED_NAMES_FILE, template_questions
from tests.baking import UV, bake, execute, run

STDLIB_NAMES = "import json, sys; print(json.dumps(sorted(sys.stdlib_module_names)))"
# Top-level import names of every distribution installed in the environment, read from each one's file list
# (packages_distributions() on Python 3.10 sees only distributions that ship a top_level.txt).
INSTALLED_NAMES = """
import json
from importlib.metadata import distributions
from pathlib import Path
names = set()
for dist in distributions():
    for file in dist.files or ():
        top = file.parts[0]
        if len(file.parts) == 1 and file.suffix in (".py", ".so", ".pyd"):
            names.add(top.split(".")[0])
        elif len(file.parts) > 1 and not top.endswith((".dist-info", ".data")) and top.isidentifier():
            names.add(top)
        if len(file.parts) == 1 and file.suffix == ".pth":  # an editable install: the folders it puts on sys.path
            for line in Path(file.locate()).read_text().splitlines():
                if line.strip() and not line.startswith(("#", "import")) and Path(line.strip()).is_dir():
                    names.update(p.name for p in Path(line.strip()).iterdir() if (p / "__init__.py").is_file())
print(json.dumps(sorted(names)))
"""
# Names that belong to the environment's machinery, not to a module anyone imports.
MACHINERY_PREFIXES = ("__editable__", "_virtualenv", "__pycache__")


def supported_pythons() -> list[str]:
    return list(template_questions()["python_version"])


def stdlib_names(version: str) -> list[str] | None:
    """The standard library's module names on Python ``version``; None when that Python is not here."""
    found = execute([str(UV), "python", "find", version], Path.cwd())
    if found.returncode != 0:
        return None
    return json.loads(run([found.stdout.strip(), "-c", STDLIB_NAMES], Path.cwd()))


def installed_names(project: Path) -> list[str]:
    """Import names installed in a baked project's own environment, except the project's own package."""
    package = json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))["package_name"]
    names = json.loads(run([str(UV), "run", "--no-sync", "python", "-c", INSTALLED_NAMES], project))
    return [name for name in names if name != package and not name.startswith(MACHINERY_PREFIXES)]


def main() -> None:
    stdlib: set[str] = set()
    for version in supported_pythons():
        names = stdlib_names(version)
        if names is None:
            raise SystemExit(f"Python {version} is not installed: `uv python install {version}`, then run again")
        stdlib.update(names)
    with tempfile.TemporaryDirectory() as folder:
        project = bake(Path(folder))  # every feature on: the largest dependency set
        run(["make", "setup", f"UV={UV}"], project)
        dependencies = installed_names(project)
    reserved = {"stdlib": sorted(stdlib), "dependencies": sorted(dependencies)}
    RESERVED_NAMES_FILE.write_text(json.dumps(reserved, indent=1) + "\n", encoding="utf-8")
    print(f"{RESERVED_NAMES_FILE}: {len(stdlib)} standard-library names, {len(dependencies)} dependency names")


if __name__ == "__main__":
    main()
