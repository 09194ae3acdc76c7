"""The generated suite on servers it shares, as people run it: two checkouts of one project at once, a run killed
with SIGKILL, a run while the database is down and then up, a server that goes away in the middle of a run, a
server that is not what its URL says, and a test that hangs.

Each scenario clones a committed default project (as a second checkout would be made) and runs its own suite on
the PostgreSQL and Redis this machine has (.ci/run starts them); the assertions read the servers themselves.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import redis

from tests.baking import (
    DEFAULT_SERVERS,
    SERVER_TIERS,
    SERVERS_REQUIRED,
    UV,
    bake,
    clean_environment,
    execute,
    git,
    make,
    run,
)

pytestmark = pytest.mark.slow
SERVER_FOLDERS = [f"tests/{tier}" for tier in SERVER_TIERS]
TEST_RUN_COMMENT = "pytest run "  # what the project's tests/helpers/postgres.py marks its databases with
TEST_RUN_KEYS = "pytest-run:*"  # and its Redis keys (tests/helpers/redis_server.py)


def server_url(name: str) -> str:
    return os.environ.get(name, DEFAULT_SERVERS[name])


def port_of(name: str) -> int:
    return urlsplit(server_url(name)).port or {"DATABASE_URL_TEST": 5432, "REDIS_URL_TEST": 6379}[name]


def admin_connection() -> psycopg.Connection:
    url = server_url("DATABASE_URL_TEST").replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3)


def redis_database(number: int) -> redis.Redis:
    return redis.Redis.from_url(f"{server_url('REDIS_URL_TEST').rsplit('/', 1)[0]}/{number}", decode_responses=True)


@pytest.fixture(scope="module", autouse=True)
def servers() -> None:
    try:
        admin_connection().close()
        redis_database(0).ping()
    except (psycopg.OperationalError, redis.ConnectionError) as error:
        if SERVERS_REQUIRED:
            raise
        pytest.skip(f"these scenarios need PostgreSQL and Redis (bash .ci/services.sh starts them): {error}")


class Servers:
    """What one scenario's projects may find on the servers: a database name and a Redis database of its own, so
    what it counts is its own even while the rest of this suite runs other projects on the same servers."""

    def __init__(self, redis_number: int) -> None:
        self.database = f"scenario_{uuid.uuid4().hex[:8]}"
        self.redis_number = redis_number
        base = server_url("DATABASE_URL_TEST").rsplit("/", 1)[0]
        self.env = {
            "DATABASE_URL_TEST": f"{base}/{self.database}",
            "REDIS_URL_TEST": f"{server_url('REDIS_URL_TEST').rsplit('/', 1)[0]}/{redis_number}",
        }

    def databases(self) -> set[str]:
        """This scenario's test databases on the server (those marked as a test run's)."""
        with admin_connection() as connection:
            rows = connection.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)"
                " AND starts_with(shobj_description(oid, 'pg_database'), %s)",
                (f"{self.database}_", TEST_RUN_COMMENT),
            ).fetchall()
        return {name for (name,) in rows}

    def keys(self) -> list[str]:
        return list(redis_database(self.redis_number).scan_iter(match=TEST_RUN_KEYS))


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project committed to a repository of its own, as its team would have it."""
    project = bake(tmp_path_factory.mktemp("origin"))
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Baked")
    return project


@pytest.fixture(scope="module")
def checkout(repository: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """``checkout()``: a fresh clone of the project, set up with its own `make setup`."""

    def clone() -> Path:
        folder = tmp_path_factory.mktemp("checkout") / "work_queue"
        run(["git", "clone", "--quiet", str(repository), str(folder)], cwd=folder.parent)
        run(["make", "setup", f"UV={UV}"], cwd=folder)
        return folder

    return clone


def pytest_command(*args: str) -> list[str]:
    return [str(UV), "run", "--frozen", "pytest", "--no-testmon", "-q", "-p", "no:randomly", *args]


def start(project: Path, command: list[str], **env: str) -> subprocess.Popen[str]:
    """``command`` running in ``project`` in a process group of its own (so that it can be killed whole)."""
    return subprocess.Popen(
        command,
        cwd=project,
        env=clean_environment(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.fixture
def sentinels() -> Iterator[dict[int, str]]:
    """A key a person owns in Redis databases 0, 1 and 15, which no test run may flush or delete."""
    owned = {number: f"sentinel:{uuid.uuid4().hex}" for number in (0, 1, 15)}
    for number, key in owned.items():
        redis_database(number).set(key, "a person's data")
    yield owned
    for number, key in owned.items():
        redis_database(number).delete(key)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two-workers"])
def test_two_checkouts_run_their_server_tiers_at_once_on_one_server(
    checkout: Callable[[], Path], sentinels: dict[int, str], workers: list[str]
) -> None:
    shared = Servers(redis_number=7 if workers else 11)
    first, second = checkout(), checkout()

    for round_number in range(3):
        runs = [start(project, pytest_command(*SERVER_FOLDERS, *workers), **shared.env) for project in (first, second)]
        outputs = [process.communicate(timeout=600)[0] for process in runs]
        for process, output in zip(runs, outputs, strict=True):
            assert process.returncode == 0, f"round {round_number + 1}:\n{output[-4000:]}"
            assert re.search(r"\d{2} passed", output), output[-2000:]
            assert "skipped" not in output, output[-2000:]

    for number, key in sentinels.items():
        assert redis_database(number).get(key) == "a person's data", f"database {number} lost {key}"
    assert shared.databases() == set()
    assert shared.keys() == []


HOLDS_ITS_RESOURCES = """
import time
from pathlib import Path
from urllib.parse import urlsplit


def test_holds_a_database_and_a_key(db, redis_client, redis_keys):
    redis_client.set(redis_keys.key("held"), "1")
    Path("{flag}").touch()
    time.sleep(120)
"""


def test_a_run_killed_with_sigkill_leaves_nothing_that_trips_the_next(checkout: Callable[[], Path], tmp_path) -> None:
    project = checkout()
    scenario = Servers(redis_number=8)
    flag = tmp_path / "holding"
    holder = project / "tests" / "integration" / "test_holder.py"
    holder.write_text(HOLDS_ITS_RESOURCES.format(flag=flag), encoding="utf-8")
    killed = start(project, pytest_command("tests/integration", "-n", "2"), **scenario.env)
    wait_for(flag.exists, f"the run never reached the holding test: {killed.stdout}")
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    holder.unlink()

    assert scenario.databases(), "the killed run left no database, so this checks nothing"
    assert scenario.keys(), "the killed run left no key, so this checks nothing"

    next_run = execute(pytest_command(*SERVER_FOLDERS, "-n", "2"), project, **scenario.env)

    assert next_run.returncode == 0, next_run.stdout[-4000:]
    assert scenario.databases() == set()
    assert scenario.keys() == []


def wait_for(condition: Callable[[], bool], message: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@pytest.mark.parametrize("workers", ["", "-n 2"], ids=["serial", "two-workers"])
def test_a_test_skipped_while_the_database_was_down_runs_when_it_is_back(
    checkout: Callable[[], Path], workers: str
) -> None:
    project = checkout()
    scenario = Servers(redis_number=9 if workers else 13)
    database_down = {
        **scenario.env,
        "DATABASE_URL_TEST": "postgresql+psycopg://postgres:x@127.0.0.1:9/down",
        "TEST_REQUIRE_SERVERS": "0",  # a developer's machine, where a missing server skips
    }
    recorded = make(project, "test", args="-q -p no:randomly", **scenario.env)
    assert recorded.returncode == 0, recorded.stdout[-4000:]
    claim = project / "src" / "work_queue" / "task_queue.py"
    claim.write_text(  # a bug only PostgreSQL shows: a claim waits for no lock, and fails on one
        claim.read_text(encoding="utf-8").replace(
            "pending).with_for_update(skip_locked=True)", "pending).with_for_update(nowait=True)"
        ),
        encoding="utf-8",
    )

    while_down = make(project, "test", args=f"-q -p no:randomly -rs {workers}", **database_down)
    when_back = make(project, "test", args=f"-q -p no:randomly {workers}", **scenario.env)

    assert while_down.returncode == 0, while_down.stdout[-4000:]
    assert "PostgreSQL at 127.0.0.1:9: connection refused" in while_down.stdout
    assert when_back.returncode != 0, f"the database tests were not selected again:\n{when_back.stdout[-3000:]}"
    assert "test_a_claim_skips_tasks_another_worker_has_locked" in when_back.stdout


LOSES_ITS_SERVER = """
import os
import signal


def test_the_database_goes_away():
    os.kill(int(os.environ["PROXY_PID"]), signal.SIGKILL)
"""
# A TCP proxy to stand between the project and its PostgreSQL, so that the server can "go away" for that project
# alone: stopping the real server would stop it for every other run on this machine.
TCP_PROXY = """
import asyncio, sys

async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()

async def main(listen_port, host, port):
    async def connect(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer))
    server = await asyncio.start_server(connect, "127.0.0.1", listen_port)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()

asyncio.run(main(0, sys.argv[1], int(sys.argv[2])))
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two-workers"])
def test_a_server_lost_in_the_middle_of_a_run_is_an_error_not_a_skip(
    checkout: Callable[[], Path], workers: list[str]
) -> None:
    project = checkout()
    scenario = Servers(redis_number=10 if workers else 12)
    (project / "tests" / "integration" / "test_aaa_loses_its_server.py").write_text(LOSES_ITS_SERVER, "utf-8")
    server = urlsplit(server_url("DATABASE_URL_TEST"))
    proxy = subprocess.Popen(
        [sys.executable, "-c", TCP_PROXY, server.hostname or "127.0.0.1", str(port_of("DATABASE_URL_TEST"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(proxy.stdout.readline())
        through_proxy = scenario.env["DATABASE_URL_TEST"].replace(f":{port_of('DATABASE_URL_TEST')}/", f":{port}/")
        result = execute(
            pytest_command("tests/integration", "-rs", *workers),
            project,
            **{**scenario.env, "DATABASE_URL_TEST": through_proxy, "PROXY_PID": str(proxy.pid)},
        )
    finally:
        proxy.kill()

    assert result.returncode != 0, result.stdout[-4000:]
    assert f"PostgreSQL at 127.0.0.1:{port} answered earlier in this run, and now: connection refused" in result.stdout
    assert "SKIPPED" not in result.stdout


@pytest.mark.parametrize(
    ("server", "url", "cause"),
    [
        ("DATABASE_URL_TEST", "postgresql+psycopg://postgres:wrong@127.0.0.1:{pg}/x", "authentication failed"),
        ("DATABASE_URL_TEST", "postgresql+psycopg://postgres:x@127.0.0.1:{redis}/x", "does not answer as PostgreSQL"),
        ("REDIS_URL_TEST", "redis://127.0.0.1:{pg}/1", "does not answer as Redis"),
        ("REDIS_URL_TEST", "redis://nobody:wrong@127.0.0.1:{redis}/1", "authentication failed"),
    ],
    ids=["postgres-wrong-password", "postgres-url-at-redis", "redis-url-at-postgres", "redis-wrong-user"],
)
def test_a_skip_names_the_real_cause(installed_default_project: Path, server: str, url: str, cause: str) -> None:
    broken = url.format(pg=port_of("DATABASE_URL_TEST"), redis=port_of("REDIS_URL_TEST"))

    result = execute(
        pytest_command("tests/integration", "-rs"),
        installed_default_project,
        **{server: broken},
        TEST_REQUIRE_SERVERS="0",
    )

    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert result.returncode == 0, result.stdout[-4000:]
    assert len(skips) == 1, skips
    assert cause in skips[0], skips[0]


HANGS = """
import threading


def test_waits_for_itself():
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()  # never returns


def test_after_the_hang():
    assert True
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "two-workers"])
def test_a_hanging_test_fails_at_its_tier_limit_with_where_it_hung(
    installed_default_project: Path, tmp_path: Path, workers: list[str]
) -> None:
    hangs = installed_default_project / "tests" / "unit" / f"test_hangs_{tmp_path.name}.py"
    hangs.write_text(HANGS, encoding="utf-8")
    pyproject = (installed_default_project / "pyproject.toml").read_text(encoding="utf-8")
    assert '"unit=15"' in pyproject, "the unit tier's time limit moved"
    try:  # the limit at 3 s instead of 15, as a setting given on the command line
        result = execute(pytest_command(str(hangs), "-o", "tier_timeouts=unit=3", *workers), installed_default_project)
    finally:
        hangs.unlink()

    assert result.returncode == 1, result.stdout[-4000:]
    assert "Timeout (>3.0s) from pytest-timeout" in result.stdout
    assert "lock.acquire()  # never returns" in result.stdout  # the stack shows where it hung
    assert "1 failed, 1 passed" in result.stdout
