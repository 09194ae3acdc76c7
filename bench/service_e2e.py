"""(k) The e2e tier's costs: the service started as a process until it is ready, and a request over HTTP to it,
side by side with the same request handed to the same app in process (FastAPI's TestClient, no socket)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from bench.common import Section, run

# Runs inside the baked project's environment: it starts the service with the project's own test helper.
SCRIPT = r"""
import json, os, statistics, sys, time
sys.path.insert(0, os.getcwd())
import httpx
from fastapi.testclient import TestClient
from tests.helpers.service_process import ServiceProcess
from {package}.api import create_app
from {package}.service import build_service
from {package}.settings import load_settings

rounds, requests = int(sys.argv[1]), int(sys.argv[2])
listening, ready = [], []
for _ in range(rounds):
    started = time.perf_counter()
    process = ServiceProcess({{}}).start()
    listening.append(time.perf_counter() - started)
    process.wait_until_ready()
    ready.append(time.perf_counter() - started)
    if len(ready) < rounds:
        assert process.stop() == 0

in_process = TestClient(create_app(build_service(load_settings())))
ticket = {{"title": "Bench", "tasks": [{{"type": "echo"}}]}}
names = ("POST /tickets", "GET /tickets/<id>", "GET /ready")
seconds = {{(kind, name): [] for kind in ("http", "in process") for name in names}}
with httpx.Client(base_url=process.base_url) as http:
    for round_number in range(rounds):
        for kind, client in ([("http", http), ("in process", in_process)])[:: 1 if round_number % 2 else -1]:
            for _ in range(requests // rounds):
                for name, send in (
                    ("POST /tickets", lambda: client.post("/tickets", json=ticket)),
                    ("GET /tickets/<id>", lambda: client.get(f"/tickets/{{last['id']}}")),
                    ("GET /ready", lambda: client.get("/ready")),
                ):
                    start = time.perf_counter()
                    response = send()
                    seconds[kind, name].append(time.perf_counter() - start)
                    assert response.status_code in (200, 201), response.text
                    if name == "POST /tickets":
                        last = response.json()
assert process.stop() == 0
print(json.dumps({{
    "listening": statistics.median(listening), "ready": statistics.median(ready),
    "requests": {{f"{{kind}}|{{name}}": statistics.median(values) for (kind, name), values in seconds.items()}},
}}))
"""


def measure(project: Path, folder: Path, database_url: str, redis_url: str, rounds: int) -> Section:
    package = project.name
    section = Section(
        "The e2e tier: the service as a process",
        f"The default project's service started as the e2e tier starts it (`python -m {package} --port 0`, its "
        "`tests/helpers/service_process.py`) on a fresh PostgreSQL database and the local Redis: seconds from the "
        "start to the `listening on` line and to the first 200 from `/ready` (polled every 50 ms), median of "
        f"{rounds} starts. Then requests, {rounds} rounds of alternating blocks: over HTTP to the process (httpx, "
        "one kept-alive connection), and the same requests to the same app in process (FastAPI's TestClient on "
        "the same database and Redis, as the unit tier calls it), 40 of each request per block; medians, "
        "milliseconds. This measurement found every request over a kept-alive connection taking 44 ms: the "
        "service's listening socket had protocol 0, so asyncio left Nagle's algorithm on, and each answer waited "
        "for the client's delayed ACK; `__main__.listen` creates it as TCP since (1 ms).",
        header=("measure", "over HTTP", "in process", "ratio"),
    )
    database = f"bench_service_{uuid.uuid4().hex[:8]}"
    server = database_url.rsplit("/", 1)[0]
    admin = [str(project / ".venv" / "bin" / "python"), "-c"]
    create = "import psycopg, sys; c = psycopg.connect(sys.argv[1], autocommit=True); c.execute(sys.argv[2])"
    libpq = f"{server.replace('+psycopg', '')}/postgres"
    run([*admin, create, libpq, f'CREATE DATABASE "{database}"'], project)
    try:
        script = folder / "service_timings.py"
        script.write_text(SCRIPT.format(package=package), encoding="utf-8")
        result = run(
            [str(project / ".venv" / "bin" / "python"), str(script), str(rounds), str(rounds * 40)],
            project,
            APP_ENV="test",
            DATABASE_URL=f"{server}/{database}",
            REDIS_URL=redis_url,
            APP__REDIS__CHANNEL_PREFIX=f"bench-{database}",
        )
    finally:
        run([*admin, create, libpq, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], project)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    section.rows.append(("start to `listening on`", f"{found['listening']:.2f} s", "", ""))
    section.rows.append(("start to ready (`/ready` 200)", f"{found['ready']:.2f} s", "", ""))
    requests = found["requests"]
    for name in ("POST /tickets", "GET /tickets/<id>", "GET /ready"):
        over_http, in_process = requests[f"http|{name}"], requests[f"in process|{name}"]
        section.rows.append(
            (f"`{name}`", f"{over_http * 1000:.1f} ms", f"{in_process * 1000:.1f} ms", f"{over_http / in_process:.2f}x")
        )
        print(f"  {name}: http {over_http * 1000:.1f} ms, in process {in_process * 1000:.1f} ms", flush=True)
    section.check(found["ready"] < 10, f"the service is ready within 10 s of its start ({found['ready']:.2f} s)")
    return section
