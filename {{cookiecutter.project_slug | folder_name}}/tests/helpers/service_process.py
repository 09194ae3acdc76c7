"""The service as its users start it: ``python -m {{ cookiecutter.package_name }} --port 0`` in a process of its own.

``ServiceProcess`` starts it with the environment it is given (the servers to use), reads the port it
took from its first line, waits until ``/ready`` answers 200, and stops it with SIGTERM, as a process manager
would. Whatever the process prints is kept, and shown when it does not start or stop as it should.

    with running({"DATABASE_URL": url}) as service, service.client() as http:
        assert http.post("/tickets", json=...).status_code == 201

To use it for another service, change the command in ``_launch`` and ``PROJECT_ROOT`` (where it runs); the
service must print ``listening on http://HOST:PORT`` first, answer 200 on ``/ready`` once it can work, and exit
with status 0 on SIGTERM.

Needs: httpx.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LISTENING = "listening on "


class ServiceFailed(AssertionError):
    """The service did not start, get ready or stop as it should; the message ends with what it printed."""


class ServiceProcess:
    def __init__(self, environment: Mapping[str, str], port: int = 0) -> None:
        self.environment = {**os.environ, **environment}
        self.port = port
        self.output: list[str] = []
        self.base_url = ""
        self._process: subprocess.Popen[str] | None = None
        self._listening = threading.Event()
        self.killed = False

    def start(self, within: float = 30.0) -> ServiceProcess:
        """Start the process and return once it listens (it may not be ready yet: see ``wait_until_ready``)."""
        self._launch()
        try:
            listening = self._listening.wait(within)
        except BaseException:  # a time limit (pytest-timeout) or Ctrl-C while waiting: the process must not outlive it
            self.kill()
            raise
        if not listening or not self.base_url:
            self.kill()
            raise self.failed(f"the service did not say where it listens within {within:g}s")
        return self

    def run_to_exit(self, within: float = 30.0) -> int:
        """Start the process and wait for it to end by itself (a service that refuses to start): its status."""
        process = self._launch()
        try:
            process.wait(within)
        except subprocess.TimeoutExpired:
            self.kill()
            raise self.failed(f"the service was still running after {within:g}s") from None
        self._reader.join(5)
        return process.returncode

    def _launch(self) -> subprocess.Popen[str]:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "{{ cookiecutter.package_name }}", "--port", str(self.port)],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read_output, name="service-output", daemon=True)
        self._reader.start()
        return self._process

    def wait_until_ready(self, within: float = 30.0) -> httpx.Response:
        """Poll ``/ready`` until it answers 200; fail with the last answer after ``within`` seconds."""
        deadline, last = time.monotonic() + within, "no answer"
        while time.monotonic() < deadline:
            if self.exit_status is not None:
                raise self.failed(f"the service exited with status {self.exit_status} before it was ready")
            try:
                response = httpx.get(f"{self.base_url}/ready", timeout=5)
            except httpx.TransportError as error:
                last = repr(error)
            else:
                if response.status_code == 200:
                    return response
                last = f"{response.status_code} {response.text}"
            time.sleep(0.05)
        raise self.failed(f"/ready did not answer 200 within {within:g}s; last: {last}")

    def client(self, timeout: float = 10.0) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=timeout)

    def stop(self, within: float = 15.0) -> int:
        """SIGTERM, and the exit status; a process still running after ``within`` seconds is killed and fails."""
        process = self._running()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(within)
            except subprocess.TimeoutExpired:
                self.kill()
                raise self.failed(f"the service did not stop within {within:g}s of SIGTERM") from None
        return process.returncode

    def kill(self) -> None:
        """SIGKILL: the process ends at once, as in a crash; nothing of its own shutdown runs."""
        process = self._running()
        self.killed = True
        if process.poll() is None:
            process.kill()
            process.wait()

    @property
    def exit_status(self) -> int | None:
        return self._running().poll()

    def failed(self, message: str) -> ServiceFailed:
        printed = "".join(self.output[-40:]) or "(nothing)\n"
        return ServiceFailed(f"{message}\n--- the service printed:\n{printed}---")

    def _running(self) -> subprocess.Popen[str]:
        if self._process is None:
            raise RuntimeError("the service was never started")
        return self._process

    def _read_output(self) -> None:
        for line in self._running().stdout or ():
            self.output.append(line)
            if line.startswith(LISTENING) and not self.base_url:
                self.base_url = line[len(LISTENING) :].strip()
                self._listening.set()
        self._listening.set()  # the process ended: whoever waits for the line stops waiting


@contextlib.contextmanager
def running(environment: Mapping[str, str]) -> Iterator[ServiceProcess]:
    """A ready service for the block; stopped after it, when it must exit with status 0 (unless it was killed)."""
    process = ServiceProcess(environment).start()
    try:
        process.wait_until_ready()
        yield process
    finally:
        status = process.stop()
    if status != 0 and not process.killed:
        raise process.failed(f"the service exited with status {status} on SIGTERM, not 0")
