"""elkaar serve: what production runs. The granian WSGI server plus the background task worker.

Both run as child processes. SIGINT and SIGTERM are passed on to both; when either stops, the other is stopped
too and `serve` exits, so a supervisor (systemd, a container runtime) sees the failure and restarts the pair.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

# Threads per web process run Python code (and hold a database connection each); granian advises 2 per core + 1.
DEFAULT_THREADS = min(2 * (os.cpu_count() or 1) + 1, 8)
STOP_TIMEOUT = 15  # seconds a child gets to finish after SIGTERM before it is killed


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """On Linux, ask the kernel to send SIGTERM to this child when `serve` itself dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Start de webserver (granian, WSGI) en de taakverwerker (db_worker), zoals in productie."
    requires_system_checks: list = []  # the children run the checks; serve itself only starts them

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT") or 8000), help="poort (standaard: $PORT of 8000)"
        )
        parser.add_argument(
            "--host", default=os.environ.get("HOST") or "127.0.0.1", help="adres (standaard: $HOST of 127.0.0.1)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_WORKERS") or 2),
            help="aantal webserverprocessen (standaard: $WEB_WORKERS of 2)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS") or DEFAULT_THREADS),
            help="threads per webserverproces, elk met een eigen databaseverbinding "
            "(standaard: $WEB_THREADS of 2 per processorkern + 1, hoogstens 8)",
        )
        parser.add_argument("--no-worker", action="store_true", help="geen taakverwerker starten (draait elders)")

    def handle(self, *args, **options) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError(_("--workers en --threads moeten minstens 1 zijn."))
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if not (settings.DEBUG or manifest.exists()):
            self.stderr.write(
                _("Let op: draai eerst `elkaar collectstatic`, anders ontbreken stijlen en pagina's falen.")
            )
        web_command = [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", options["host"],
            "--port", str(options["port"]),
            "--workers", str(options["workers"]),
            "--blocking-threads", str(options["threads"]),
            "--no-ws",
            "--respawn-failed-workers",
            "elkaar.wsgi:application",
        ]  # fmt: skip
        worker_command = [sys.executable, "-m", "elkaar", "db_worker", "--no-reload", "--queue-name", "*"]
        # Reminders, thank-yous, evaluations, digests and waiting-list offers: one round a minute.
        periodic_command = [sys.executable, "-m", "elkaar", "run-periodic", "--loop"]
        children: dict[str, subprocess.Popen] = {}
        stopping = {"signal": 0}

        def forward(signum: int, frame: FrameType | None) -> None:
            stopping["signal"] = signum
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            # A process group of their own: Ctrl-C in a terminal reaches serve, which passes it on once.
            # The commands are fixed lists (no shell); only numbers and the host name come from options.
            children["web"] = subprocess.Popen(web_command, process_group=0, preexec_fn=_die_with_parent)  # noqa: S603
            if not options["no_worker"]:
                children["worker"] = subprocess.Popen(  # noqa: S603
                    worker_command, process_group=0, preexec_fn=_die_with_parent
                )
                children["periodic"] = subprocess.Popen(  # noqa: S603
                    periodic_command, process_group=0, preexec_fn=_die_with_parent
                )
            host = options["host"]
            shown_host = f"[{host}]" if ":" in host else host
            self.stdout.write(
                _("elkaar draait op http://%(host)s:%(port)d/ (webserver pid %(web)d%(worker)s). Stoppen: Ctrl-C.")
                % {
                    "host": shown_host,
                    "port": options["port"],
                    "web": children["web"].pid,
                    "worker": _(", taakverwerker pid %(pid)d") % {"pid": children["worker"].pid}
                    if "worker" in children
                    else "",
                }
            )
            self.stdout.flush()
            exited = self._wait_for_first_exit(children)
        finally:
            code = self._stop_all(children, signalled=bool(stopping["signal"]))
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if stopping["signal"]:
            return
        name, status = exited
        raise CommandError(
            _("%(name)s stopte onverwacht (exitcode %(status)s); alles is gestopt.")
            % {
                "name": {"web": _("De webserver"), "worker": _("De taakverwerker")}.get(name, _("De periodieke taken")),
                "status": status,
            },
            returncode=code or 1,
        )

    @staticmethod
    def _wait_for_first_exit(children: dict[str, subprocess.Popen]) -> tuple[str, int]:
        while True:
            for name, child in children.items():
                status = child.poll()
                if status is not None:
                    return name, status
            time.sleep(0.2)

    @staticmethod
    def _stop_all(children: dict[str, subprocess.Popen], signalled: bool) -> int:
        """Stop every child still running; returns the first non-zero exit status.

        A child that already got the forwarded signal is not signalled again: granian and db_worker take a second
        signal as "stop at once", which would leave granian's own worker processes behind. A child that does not
        stop within STOP_TIMEOUT is killed. Last, anything left in a child's process group (granian's workers, when
        granian itself died abruptly) is killed too.
        """
        if not signalled:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for child in children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)  # each child leads its own group (process_group=0)
        return next((child.returncode for child in children.values() if child.returncode), 0)
