"""The test history as a page people can look at, and as JSON for dashboards: ``python -m suite_toolkit.report``.

The page shows duration per tier over runs, pass rate over runs, the slowest tests, the latest run's regressions
(as the plugin found them) and every flaky test. ``data`` reads the history, ``axes`` places the runs, ``charts``
and ``tables`` draw, ``page`` puts them on one self-contained page, ``__main__`` is the command.
"""
