"""(c) Isolating tests by rolling back a transaction against creating and dropping the tables for each test."""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import Section, run

PROBE = """
import json, os, sys, time
from sqlalchemy import make_url
from work_queue.database import DatabaseService, make_engine
from work_queue.models import Base

url = sys.argv[1]
rounds = int(sys.argv[2])
if url.startswith("postgresql"):
    from pytest_postgresql.janitor import DatabaseJanitor
    parts = make_url(url)
    janitor = DatabaseJanitor(user=parts.username, password=parts.password, host=parts.host, port=parts.port or 5432,
                              dbname=parts.database)
    janitor.drop()
    janitor.init()
engine = make_engine(url)
Base.metadata.drop_all(engine)
Base.metadata.create_all(engine)

def rolled_back():  # what tests/fixtures/database.py does around each test
    with engine.connect() as connection:
        transaction = connection.begin()
        DatabaseService(connection)
        transaction.rollback()

def create_drop():  # dropping first leaves the tables in place for the other contender
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    DatabaseService(engine)

seconds = {"rolled back": [], "create/drop": []}
for _ in range(rounds):
    for name, isolate in (("rolled back", rolled_back), ("create/drop", create_drop)):
        start = time.perf_counter()
        isolate()
        seconds[name].append(time.perf_counter() - start)
Base.metadata.create_all(engine)
Base.metadata.drop_all(engine)
engine.dispose()
if url.startswith("postgresql"):
    janitor.drop()
print(json.dumps({name: sorted(values)[len(values) // 2] for name, values in seconds.items()}))
"""


def measure(project: Path, database_url: str, rounds: int) -> Section:
    section = Section(
        "Test isolation: rolled-back transaction against create/drop",
        f"One process, {rounds} rounds alternating the two ways of giving each test empty tables, timed without "
        f"the test itself: a connection whose transaction is rolled back (what the integration tier does), or "
        f"`drop_all` + `create_all` of the schema. Medians per test, on `{database_url.split('@')[-1]}`.",
        header=("isolation", "per test (ms)", "ratio"),
    )
    python = str(project / ".venv" / "bin" / "python")
    medians = json.loads(run([python, "-c", PROBE, database_url, str(rounds)], project).stdout)
    rolled, created = medians["rolled back"], medians["create/drop"]
    section.rows += [
        ("rolled-back transaction", f"{rolled * 1000:.2f}", "1.00"),
        ("create and drop tables", f"{created * 1000:.2f}", f"{created / rolled:.1f}"),
    ]
    section.check(created / rolled >= 10, f"rollback is {created / rolled:.0f}x cheaper per test (at least 10x)")
    return section
