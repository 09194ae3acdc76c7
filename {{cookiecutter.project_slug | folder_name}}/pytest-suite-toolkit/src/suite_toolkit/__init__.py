"""pytest-suite-toolkit: tiers, test history and report, xdist workers, testmon inputs, servers (see README.md).

pytest loads it through the ``pytest11`` entry point in ``pyproject.toml``: installing it is all it takes.
"""
