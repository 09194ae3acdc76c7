"""``suite-retrofit``: bring an existing flat test suite into tiers, with evidence, and prove nothing changed.

``suite-retrofit plan`` runs the suite once as it is and writes a plan; ``suite-retrofit apply`` carries the plan out
(as edited by hand) and verifies it, or puts everything back. The steps, one module each (``plan`` with
``evidence``, the facts and rules that give a test its tier, and ``plan_file``, the Markdown; ``apply`` with
``changes``, what it did and how to put it back, and ``pytest_settings``, the project's settings files):

``observe``
    One pytest run of the suite as it is, in a subprocess, with the ``observe`` plugin (``-p
    suite_toolkit.retrofit.observe``): what each test actually does, seen through Python's audit hooks and a
    wrapped ``time.sleep``, written to ``OBSERVED`` (JSON, below). Nothing in the project is changed: pytest runs
    with ``-p no:cacheprovider``, no history (``--no-analytics``) and no testmon.

``plan``
    The observation and the test files' source (``ast``) make a ``Plan``: each test file's tier with its evidence,
    files whose tests belong to different tiers (the split proposed, test by test), fixtures defined in several
    files with the same body or the same shape (a shared module proposed under ``tests/fixtures/``), and numbered
    names (``test_01_database.py``) with descriptive ones proposed. ``Plan.markdown()`` writes ``PLAN`` and
    ``Plan.read(text)`` reads it back as edited: the tables are the contract (below).

``apply``
    ``git mv`` each file where the plan says (its history kept), moves the shared fixtures to their module and
    removes the copies (``pytest_plugins`` in the root ``conftest.py`` loads the module), adds a thin
    ``conftest.py`` per tier (the unit tier refusing network connections, as the template's does), and the
    toolkit's settings (``tiers``, ``testpaths``) to ``pyproject.toml``.

``verify``
    The suite observed again after ``apply``: every test of before is there (matched by its name across the move:
    the node id with the file's new path) with the same outcome, and the unit tier alone makes no connection. If
    anything differs the working tree is put back exactly as it was and the differences printed; the exit status is
    0 only when the verification holds. So that putting back loses nothing of the user's, ``apply`` starts only on
    a clean git working tree (untracked files may be there: they are not touched) and undoes only its own changes.

Files (in the project's root):

``OBSERVED`` (``.suite-retrofit/observed.json``)::

    {"version": 1,
     "tests": {"<nodeid>": {
         "file": "tests/test_01_database.py",           # relative to the root, as in the node id
         "outcome": "passed" | "failed" | "error" | "skipped",
         "seconds": 0.012,                               # setup + call + teardown
         "connections": [["127.0.0.1", 6379]],           # socket.connect by the test's process: host, port
         "clients": ["redis"],                           # "sqlite", "postgresql", "redis", "mysql", "http": by
                                                         #  audit event (sqlite3.connect) or by the port connected
         "subprocesses": ["python -m service --port 0"], # subprocess.Popen / os.exec* / os.posix_spawn, argv joined
         "sleeps": 0.5,                                  # seconds in time.sleep and asyncio.sleep
         "writes": ["data/out.csv"],                     # files opened for writing outside tmp_path and the
                                                         #  system's temporary folder (relative when in the root)
         "fixtures": ["db_session", "tmp_path"]}},       # item.fixturenames
     "fixtures": {"<name>": [{"file": "tests/test_a.py", "line": 12,  # where each fixture the tests used is
                                                         #  defined, for fixtures defined in the project only
         "connections": [], "clients": [], "subprocesses": []}]},  # what its setup did, as for a test: a
                                                         #  session-scoped fixture's setup is in one test only
     "pytest_args": ["-k", "not slow"]}                  # the run's own (after --): apply runs the suite with them

``PLAN`` (``retrofit-plan.md``): Markdown for a person to read and edit. ``apply`` reads only these tables (column
order fixed, one row per line, paths in backticks):

    ## Tiers
    | Folder | Description |
    | `tests/integration` | components together on real backends |

    ## Files
    | File | Tier | Moves to | Evidence |
    | `tests/test_01_db.py` | integration | `tests/integration/test_db.py` | opens 127.0.0.1:5432 in 12 of 12 tests |

    ## Shared fixtures
    | Fixture | Defined in | Moves to |
    | `db_session` | `tests/test_a.py`, `tests/test_b.py` | `tests/fixtures/database.py` |

Other sections (files with tests of several tiers, numbered names, what the command cannot decide) are for the
reader. ``Tiers`` is the ``tiers`` setting ``apply`` writes (``folder: description``), a row added by hand
included; a file's Tier decides its tier folder (``Plan.read`` moves Moves to into it). A file that stays has no
row in ``Files``. A row removed from ``Files`` leaves its file where it is; a file is moved whole (splitting one is
for a person: the plan lists each test's tier).
"""

OBSERVED = ".suite-retrofit/observed.json"
PLAN = "retrofit-plan.md"
