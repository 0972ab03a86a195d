"""`elkaar serve` runs the granian web server and the task worker, and stops them together."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """An SQLite database with every migration applied, made once for this module."""
    directory = tmp_path_factory.mktemp("serve-db")
    database = directory / "elkaar.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "elkaar", "migrate", "--no-input", "--verbosity", "0"],
        env=server_env(directory, database),
        check=True,
        timeout=300,
    )
    return database


def server_env(var_dir: Path, database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRANIAN_")}
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        ELKAAR_VAR_DIR=str(var_dir),
        ELKAAR_TESTING="0",
        EMAIL_URL=f"file://{var_dir / 'mail'}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PORT", None)
    return env


@pytest.fixture
def server(tmp_path, migrated_database):
    """Start `elkaar serve` on a free port; yields (process, port, web pid, worker pid); always cleans up."""
    database = tmp_path / "elkaar.sqlite3"
    shutil.copy(migrated_database, database)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "elkaar", "serve", "--port", str(port), "--workers", "1"],
        env=server_env(tmp_path, database),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first_line = process.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}/" in first_line, first_line
        web_pid = int(first_line.split("webserver pid ")[1].split(",")[0])
        worker_pid = int(first_line.split("taakverwerker pid ")[1].split(")")[0])
        yield process, port, web_pid, worker_pid
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def wait_for_health(port: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"no answer on port {port} within {timeout} seconds")


def gone(pid: int, timeout: float = 20) -> bool:
    """Whether process `pid` has ended (or is a zombie waiting for its parent) within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state in {"Z", "X"}:
            return True
        time.sleep(0.1)
    return False


def group_gone(pgid: int, timeout: float = 20) -> bool:
    """Whether every process of process group `pgid` (granian and its worker processes) has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[2]) == pgid and fields[0] not in {"Z", "X"}:
                alive.append(stat)
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states from /proc")
def test_serve_answers_health_and_stops_both_processes_on_sigterm(server):
    process, port, web_pid, worker_pid = server

    assert wait_for_health(port) == 200
    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    assert gone(web_pid)
    assert gone(worker_pid)
    assert group_gone(web_pid)  # granian's own worker processes too


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states from /proc")
def test_serve_stops_when_the_worker_dies(server):
    process, port, web_pid, worker_pid = server
    assert wait_for_health(port) == 200

    os.kill(worker_pid, signal.SIGKILL)

    assert process.wait(timeout=30) != 0
    assert gone(web_pid)
    assert group_gone(web_pid)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states from /proc")
def test_serve_stopped_while_starting_leaves_no_process_behind(server):
    process, _port, web_pid, worker_pid = server

    process.send_signal(signal.SIGTERM)

    process.wait(timeout=30)
    assert gone(worker_pid)
    assert group_gone(web_pid)
    assert group_gone(worker_pid)
