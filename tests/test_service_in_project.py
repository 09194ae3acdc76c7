"""The generated service run the way its README says: `make run`, a ticket over HTTP, Ctrl-C; and `make openapi`
writing exactly the document the template committed (so a fresh project's contract test starts green)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pexpect

from tests.baking import UV, clean_environment, make


def request(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_make_run_serves_the_api_and_works_tickets_until_ctrl_c(installed_default_project: Path) -> None:
    project = installed_default_project
    database = project / "work_queue.db"  # where config/development.yaml keeps the data
    # A real terminal, as at a prompt: Ctrl-C is the terminal's interrupt character, which signals the whole
    # foreground process group once. (A SIGINT sent by hand to make's group is not the same: uv run sees no
    # terminal, forwards the signal again, and the service's second SIGINT is uvicorn's "force exit".)
    service = pexpect.spawn(
        "make",
        ["run", f"UV={UV}", "ARGS=--port 0"],
        cwd=str(project),
        env=clean_environment(),
        encoding="utf-8",
        timeout=60,
    )
    try:
        service.expect(r"listening on (\S+)\r\n")
        url = service.match.group(1)

        alive = request(f"{url}/health")
        status, ticket = request(f"{url}/tickets", {"title": "From the README", "tasks": [{"type": "echo"}]})
        deadline = time.monotonic() + 20
        while request(f"{url}/tickets/{ticket['id']}")[1]["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.1)
        done = request(f"{url}/tickets/{ticket['id']}")[1]

        service.sendintr()
        service.expect(pexpect.EOF, timeout=30)
        output = service.before.replace("\r\n", "\n").replace("^C", "")  # the terminal echoes the key
    finally:
        service.close(force=True)
        database.unlink(missing_ok=True)

    assert alive == (200, {"status": "ok"})
    assert status == 201
    assert done["status"] == "done"
    # The service finished cleanly: it printed its last line, and no traceback.
    assert "stopped" in output.splitlines(), output
    assert "Traceback" not in output


def test_make_openapi_writes_the_committed_document_unchanged(installed_default_project: Path) -> None:
    document = installed_default_project / "openapi.json"
    committed = document.read_bytes()

    result = make(installed_default_project, "openapi")

    assert result.returncode == 0, result.stdout + result.stderr
    assert document.read_bytes() == committed
    assert json.loads(committed)["info"]["title"] == "work_queue"
