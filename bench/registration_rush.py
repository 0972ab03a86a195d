"""Registration rush: N clients register at the same moment for a few popular sessions, over HTTP.

    .venv/bin/python bench/registration_rush.py                      # own server on a fresh SQLite database
    .venv/bin/python bench/registration_rush.py --clients 400 --sessions 5 --capacity 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/elkaar_bench .venv/bin/python bench/registration_rush.py
    DATABASE_URL=... .venv/bin/python bench/registration_rush.py --url http://127.0.0.1:8000   # a running server

Without --url it makes a temporary directory (SQLite database, mail files, secret key), migrates, creates the
people and sessions with `elkaar registration-rush-setup`, and starts `elkaar serve` (granian and the task
worker, as `make run` does) on a free port of 127.0.0.1; with DATABASE_URL set it uses that database instead of
a temporary SQLite file. With --url it targets a server that is already running; the setup command then runs
here against DATABASE_URL, which must be the server's database.

Each client is a thread with its own keep-alive connection and API token. All clients start together and each
registers once for every session (POST /api/v1/sessions/{id}/registrations), in its own random order. Then the
same clients call GET /health as often. It prints throughput and p50/p95/p99 latency of both, their ratio, the
answers by status, and per session the final counts read back over HTTP, which must be exactly `capacity`
confirmed and the rest waiting at positions 1..n (exit status 1 otherwise).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def elkaar(*args: str, env: dict[str, str]) -> str:
    """Run an `elkaar` management command and return its standard output."""
    result = subprocess.run(
        [sys.executable, "-m", "elkaar", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"elkaar {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(host: str, port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"the server on {host}:{port} did not come up within {timeout:.0f} s")


class Client:
    """One person: a keep-alive HTTP connection and their token."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.connection = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, method: str, path: str) -> tuple[int, bytes, float]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        for attempt in range(2):  # a keep-alive connection the server closed is opened again once
            started = time.perf_counter()
            try:
                self.connection.request(method, path, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                return response.status, body, time.perf_counter() - started
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def rush(clients: list[Client], paths_per_client: list[list[tuple[str, str]]]) -> tuple[float, list[float], Counter]:
    """Every client runs its requests; all start at the same moment. Returns wall time, latencies, statuses."""
    start = threading.Barrier(len(clients) + 1)
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def work(client: Client, requests: list[tuple[str, str]]) -> None:
        start.wait()
        for method, path in requests:
            status, _body, seconds = client.request(method, path)
            with lock:
                latencies.append(seconds)
                statuses[status] += 1

    threads = [threading.Thread(target=work, args=pair) for pair in zip(clients, paths_per_client, strict=True)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, latencies, statuses


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def describe(name: str, wall: float, latencies: list[float], statuses: Counter) -> float:
    throughput = len(latencies) / wall
    print(
        f"{name:<13} {len(latencies):>6} requests in {wall:6.2f} s = {throughput:8.1f} req/s   "
        f"p50 {percentile(latencies, 0.50) * 1000:7.1f} ms  p95 {percentile(latencies, 0.95) * 1000:7.1f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms  mean {statistics.fmean(latencies) * 1000:7.1f} ms   "
        f"status {dict(sorted(statuses.items()))}"
    )
    return throughput


def final_counts(host: str, port: int, trainer_token: str, session_id: int, capacity: int) -> tuple[str, bool]:
    """Read every participant of a session back over HTTP and check the outcome is exact."""
    client = Client(host, port, trainer_token)
    items: list[dict] = []
    page = 1
    while True:
        status, body, _seconds = client.request(
            "GET", f"/api/v1/sessions/{session_id}/participants?page={page}&page_size=100"
        )
        if status != 200:
            return f"session {session_id}: participants answered {status}", False
        data = json.loads(body)
        items += data["items"]
        if len(items) >= data["count"] or not data["items"]:
            break
        page += 1
    confirmed = [item for item in items if item["status"] == "confirmed"]
    positions = sorted(item["position"] for item in items if item["status"] == "waiting")
    people = [item["registration_id"] for item in items]
    exact = (
        len(confirmed) == min(capacity, len(items))
        and positions == list(range(1, len(positions) + 1))
        and len(set(people)) == len(people)
        and (data["confirmed_count"], data["waiting_count"]) == (len(confirmed), len(positions))
    )
    line = (
        f"session {session_id}: capacity {capacity}, confirmed {len(confirmed)}, waiting {len(positions)} "
        f"(positions 1..{positions[-1] if positions else 0}), counters {data['confirmed_count']}/"
        f"{data['waiting_count']}: {'exact' if exact else 'WRONG'}"
    )
    return line, exact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200, help="simultaneous clients (200)")
    parser.add_argument("--sessions", type=int, default=3, help="sessions everyone registers for (3)")
    parser.add_argument("--capacity", type=int, default=20, help="places per session (20)")
    parser.add_argument("--url", help="a running server (its DATABASE_URL must be set here too)")
    parser.add_argument("--workers", type=int, default=2, help="web server processes when the bench starts one (2)")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the order of sessions per client")
    args = parser.parse_args()

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "elkaar.settings"}
    env.pop("ELKAAR_TESTING", None)
    server = None
    workdir = None
    if args.url:
        parts = urlsplit(args.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
    else:
        workdir = tempfile.TemporaryDirectory(prefix="elkaar-rush-")
        env["ELKAAR_VAR_DIR"] = workdir.name
        env["EMAIL_URL"] = f"file://{workdir.name}/mail"
        env.setdefault("DATABASE_URL", f"sqlite:///{workdir.name}/rush.sqlite3")
        host, port = "127.0.0.1", free_port()
        env["SITE_URL"] = f"http://{host}:{port}"
        print(f"database: {env['DATABASE_URL'].split('@')[-1]}; migrating ...", flush=True)
        elkaar("migrate", "--no-input", env=env)

    setup = json.loads(
        elkaar(
            "registration-rush-setup",
            "--clients", str(args.clients),
            "--sessions", str(args.sessions),
            "--capacity", str(args.capacity),
            env=env,
        )
    )  # fmt: skip
    try:
        if not args.url:
            server = subprocess.Popen(
                [sys.executable, "-m", "elkaar", "serve", "--port", str(port), "--workers", str(args.workers)],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        wait_until_up(host, port)
        print(
            f"server http://{host}:{port}: {args.clients} clients, {args.sessions} sessions of {args.capacity} places, "
            f"{args.clients * args.sessions} registrations",
            flush=True,
        )
        random.seed(args.seed)
        clients = [Client(host, port, token) for token in setup["tokens"]]
        for client in clients:  # open every keep-alive connection before the clock starts
            client.request("GET", "/health")
        registrations = []
        for _client in clients:
            order = list(setup["sessions"])
            random.shuffle(order)
            registrations.append([("POST", f"/api/v1/sessions/{sid}/registrations") for sid in order])
        wall, latencies, register_statuses = rush(clients, registrations)
        register_rate = describe("register", wall, latencies, register_statuses)
        health = [[("GET", "/health")] * args.sessions for _ in clients]
        wall, latencies, statuses = rush(clients, health)
        health_rate = describe("GET /health", wall, latencies, statuses)
        print(f"ratio register / health throughput: {register_rate / health_rate:.2f}")
        errors = {status: n for status, n in register_statuses.items() if status not in (200, 201)}
        all_exact = not errors
        if errors:
            print(f"registrations that failed, by status: {errors}")
        for session_id in setup["sessions"]:
            line, exact = final_counts(host, port, setup["trainer_token"], session_id, args.capacity)
            print(line)
            all_exact &= exact
    finally:
        if server is not None:
            server.terminate()  # serve passes SIGTERM on to granian and the task worker
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if workdir is not None:
            workdir.cleanup()
    sys.exit(0 if all_exact else 1)


if __name__ == "__main__":
    main()
