"""elkaar impact_rebuild: compute every figure of impact again (facts, rollups, milestones).

Run it after loading data in bulk (`elkaar seed`, an import), after changing data outside the services, or nightly
from cron as a safety net. `--quiet` records milestones without thank-you e-mails (for historical data).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from elkaar.impact import services


class Command(BaseCommand):
    help = "Bereken alle cijfers van opbrengst en erkenning opnieuw."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--quiet", action="store_true", help="mijlpalen vastleggen zonder bedankmails (voor oude gegevens)"
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        with tqdm(total=1, unit=_("bijeenkomst"), file=sys.stderr, disable=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            outcome = services.rebuild(quiet=options["quiet"], progress=progress)
        self.stdout.write(
            ngettext(
                "%(sessions)d bijeenkomst doorgerekend in %(seconds).1f s.",
                "%(sessions)d bijeenkomsten doorgerekend in %(seconds).1f s.",
                outcome.sessions,
            )
            % {"sessions": outcome.sessions, "seconds": time.monotonic() - started}
        )
