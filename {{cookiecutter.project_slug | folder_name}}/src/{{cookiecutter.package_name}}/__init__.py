"""The example service: a work queue. README.md tours the package and its tests."""

__version__ = "0.1.0"
