"""A way out for flaky tests: the ``quarantine`` marker.

- A test marked ``@pytest.mark.quarantine(reason="...")`` is run again when it fails, up to ``quarantine_reruns``
  times (pytest-rerunfailures' ``flaky`` marker, when that plugin is installed). If it still fails, the failure is
  reported as any other (the terminal, JUnit XML, the test history) but does not fail the run: when every failure
  of a run is a quarantined test's, the exit status is 0 and the summary names them.
- The report lists as quarantine candidates the tests seen flaky ``quarantine_after`` times or more.
- ``--quarantined`` runs only the quarantined tests and the candidates, without reruns and without forgiving any
  failure: with pytest-repeat's ``--count`` it confirms a fix (``make test-quarantine``).
"""

from __future__ import annotations

import pytest

from suite_toolkit import settings
from suite_toolkit.analytics import history_path, read_or_warn
from suite_toolkit.history import History

MARKER = (
    "quarantine(reason): a known flaky test: run again when it fails (quarantine_reruns), reported but not failing "
    "the run (pytest-suite-toolkit)"
)


def configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)
    reruns = settings.whole_number(config, "quarantine_reruns")
    candidates_after = settings.whole_number(config, "quarantine_after")
    config.pluginmanager.register(Quarantine(config, reruns, candidates_after), "suite_toolkit.quarantine")


def candidates(history: History, after: int) -> dict[str, int]:
    """Tests seen flaky ``after`` times or more, not marked quarantine the last time: nodeid -> times."""
    return {
        nodeid: times
        for nodeid, (times, _last, quarantined) in history.flaky_counts().items()
        if times >= after and not quarantined
    }


def unrepeated(item: pytest.Item) -> str:
    """The test's id without pytest-repeat's ``[2-20]`` (or ``[a-2-20]``): the id the history knows."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or "__pytest_repeat_step_number" not in callspec.params:
        return item.nodeid
    stem, _, ids = item.nodeid.rpartition("[")
    rest = ids.rstrip("]").split("-")[:-2]  # pytest-repeat's id is "{step}-{count}", appended last
    return f"{stem}[{'-'.join(rest)}]" if rest else stem


class Quarantine:
    def __init__(self, config: pytest.Config, reruns: int, candidates_after: int) -> None:
        self.config = config
        self.reruns = reruns if config.pluginmanager.hasplugin("rerunfailures") else 0
        self.candidates_after = candidates_after
        self.confirming = config.option.quarantined
        self.failed: dict[str, bool] = {}  # nodeid -> quarantined, for every test that failed

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.confirming:
            history = History(history_path(config))
            suspects = read_or_warn(config, lambda: candidates(history, self.candidates_after), {})
            kept = [item for item in items if item.get_closest_marker("quarantine") or unrepeated(item) in suspects]
            if len(kept) < len(items):
                keeping = set(map(id, kept))
                config.hook.pytest_deselected(items=[item for item in items if id(item) not in keeping])
                items[:] = kept
        elif self.reruns:
            for item in items:
                if item.get_closest_marker("quarantine") and not item.get_closest_marker("flaky"):
                    item.add_marker(pytest.mark.flaky(reruns=self.reruns))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed[report.nodeid] = "quarantine" in report.keywords

    @pytest.hookimpl(trylast=True)  # after the other plugins' sessionfinish, so the last word on the exit status
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        forgiven = [nodeid for nodeid, quarantined in self.failed.items() if quarantined]
        if self.confirming or not forgiven or exitstatus != pytest.ExitCode.TESTS_FAILED:
            return
        if len(forgiven) == len(self.failed):
            session.exitstatus = pytest.ExitCode.OK

    def pytest_terminal_summary(self, terminalreporter) -> None:
        forgiven = [nodeid for nodeid, quarantined in self.failed.items() if quarantined]
        if forgiven and not self.confirming:
            terminalreporter.write_sep("-", "quarantine")
            others = len(self.failed) - len(forgiven)
            verdict = "the run fails for the other failures" if others else "they do not fail the run"
            terminalreporter.write_line(f"{len(forgiven)} quarantined test(s) failed; {verdict}:")
            for nodeid in forgiven:
                terminalreporter.write_line(f"  {nodeid}")
