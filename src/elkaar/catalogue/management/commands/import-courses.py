"""elkaar import-courses FILE: bring courses in from another catalogue (CSV or JSON Lines, see docs/import.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from elkaar.accounts.models import Organisation, User
from elkaar.catalogue.importer import ImportReport, detect_format, import_courses

EXIT_SKIPPED = 2  # with --skip-invalid: the good lines were written, some lines were skipped


class Command(BaseCommand):
    help = (
        "Importeer cursussen uit een CSV- of JSON Lines-bestand. Alles of niets, tenzij --skip-invalid. "
        "Exitcode 0: gelukt; 1: niets opgeslagen door fouten; 2: goede regels opgeslagen, foute overgeslagen."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV- of JSON Lines-bestand (.csv, .jsonl)")
        parser.add_argument("--format", choices=["csv", "jsonl"], help="bestandsvorm; standaard uit de extensie")
        parser.add_argument("--dry-run", action="store_true", help="alleen controleren en rapporteren")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="goede regels opslaan, foute regels overslaan en melden"
        )
        parser.add_argument(
            "--as", dest="as_email", metavar="EMAIL", help="wie importeert (standaard: de eerste beheerder)"
        )
        parser.add_argument("--organisation", metavar="NAAM", help="organisatie voor regels zonder organisatie")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Bestand %(path)s bestaat niet.") % {"path": path})
        file_format = options["format"] or detect_format(path.name)
        if file_format is None:
            raise CommandError(_("Kies --format csv of --format jsonl (de extensie zegt het niet)."))
        user = self._importing_user(options["as_email"])
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(name__iexact=options["organisation"].strip()).first()
            if organisation is None:
                raise CommandError(_("Organisatie %(name)s bestaat niet.") % {"name": options["organisation"]})
        with path.open("rb") as counting:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: counting.read(1 << 20), b""))
        with path.open("rb") as stream, tqdm(total=total, unit=_("regel"), file=sys.stderr, disable=None) as bar:

            def advance(line: int) -> None:
                bar.update(max(line - bar.n, 0))

            try:
                report = import_courses(
                    stream,
                    file_format,
                    user,
                    default_organisation=organisation,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                    progress=advance,
                )
            except PermissionDenied as error:
                raise CommandError(str(error)) from None
        self._report(report)

    def _importing_user(self, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip()).first()
            if user is None:
                raise CommandError(_("Er is geen account met e-mailadres %(email)s.") % {"email": email})
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(_("Er is nog geen beheerder: maak er een (elkaar createsuperuser) of geef --as EMAIL."))
        return user

    def _report(self, report: ImportReport) -> None:
        for error in report.errors:
            for message in error.messages:
                self.stderr.write(_("regel %(line)d: %(message)s") % {"line": error.line, "message": message})
        created = ngettext("%(count)d nieuwe cursus", "%(count)d nieuwe cursussen", len(report.created)) % {
            "count": len(report.created)
        }
        updated = ngettext("%(count)d bijgewerkt", "%(count)d bijgewerkt", len(report.updated)) % {
            "count": len(report.updated)
        }
        failed = ngettext("%(count)d regel met fouten", "%(count)d regels met fouten", len(report.errors)) % {
            "count": len(report.errors)
        }
        summary = f"{created}, {updated}, {failed}."
        if report.dry_run:
            self.stdout.write(_("Proefimport, er is niets opgeslagen: %(summary)s") % {"summary": summary})
            if report.errors:
                raise CommandError(_("De proefimport vond fouten."), returncode=1)
            return
        if not report.written:
            raise CommandError(
                _("Niets geïmporteerd: %(summary)s Verbeter de regels, of sla ze over met --skip-invalid.")
                % {"summary": summary},
                returncode=1,
            )
        self.stdout.write(_("Geïmporteerd: %(summary)s") % {"summary": summary})
        if report.errors:
            raise CommandError(_("Regels met fouten zijn overgeslagen."), returncode=EXIT_SKIPPED)
