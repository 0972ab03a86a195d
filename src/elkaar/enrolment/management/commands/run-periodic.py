"""`elkaar run-periodic`: reminders, thank-yous and waiting-list places; once, or every minute with --loop."""

from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from elkaar.enrolment import periodic

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Verstuur herinneringen en bedankjes en vul wachtlijsten aan (idempotent). Met --loop elke minuut."

    running = True

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="Blijf draaien en herhaal elke --interval seconden.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconden tussen twee rondes (standaard 60).")

    def handle(self, *args, **options) -> None:
        loop, interval = options["loop"], options["interval"]
        if loop:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while self.running:
            if loop:
                close_old_connections()  # a long-running process must not keep a broken or stale connection
            try:
                report = periodic.run()
            except Exception:
                if not loop:
                    raise
                logger.exception("run-periodic: this round failed; the next round tries again")
            else:
                if not loop or report.total:
                    self.stdout.write(f"run-periodic: {report}")
            if not loop:
                return
            deadline = time.monotonic() + interval
            while self.running and time.monotonic() < deadline:
                time.sleep(min(1.0, max(deadline - time.monotonic(), 0)))

    def _stop(self, signum, frame) -> None:
        self.running = False
