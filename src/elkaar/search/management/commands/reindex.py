"""elkaar reindex: rebuild the search index from the courses and people (and any other registered type)."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from elkaar.search import index, registry


class Command(BaseCommand):
    help = "Bouwt de zoekindex opnieuw op (alle soorten, of de gekozen)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "types", nargs="*", help="Documentsoorten, bijvoorbeeld course person (standaard: alle soorten)."
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options) -> None:
        known = {document_type.name: document_type for document_type in registry.all_types()}
        for document_type in registry.all_types():
            known.setdefault(document_type.api_name, document_type)
        chosen = []
        for name in options["types"] or [document_type.name for document_type in registry.all_types()]:
            if name not in known:
                raise CommandError(
                    _("Onbekende soort %(name)s; kies uit %(known)s.")
                    % {"name": name, "known": ", ".join(sorted(known))}
                )
            chosen.append(known[name].name)
        started = time.monotonic()
        with tqdm(unit=_("document"), file=sys.stderr, disable=None) as bar:
            counts = index.rebuild(list(dict.fromkeys(chosen)), batch_size=options["batch_size"], progress=bar.update)
        for name, count in counts.items():
            self.stdout.write(
                ngettext(
                    "%(name)s: %(count)d document geïndexeerd", "%(name)s: %(count)d documenten geïndexeerd", count
                )
                % {"name": name, "count": count}
            )
        self.stdout.write(_("Klaar in %(seconds).1f s.") % {"seconds": time.monotonic() - started})
