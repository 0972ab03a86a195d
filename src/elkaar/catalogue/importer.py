"""Reading course files from another catalogue (CSV or JSON Lines) and importing them line by line.

Used by the `elkaar import-courses` command and the upload page. Each line goes through
services.import_course inside one transaction for the whole file: with an error anywhere nothing is written
(unless `skip_invalid`), and a dry run rolls everything back after doing the real work, so its report is exactly
what an import would do. The file format is described in docs/import.md.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from elkaar.accounts.models import Organisation, User
from elkaar.catalogue import services
from elkaar.catalogue.models import CourseFormat, CourseLevel, CourseStatus

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
FIELDS = (
    "external_id", "title", "summary", "description", "topics", "organisation", "format", "duration_minutes",
    "language", "trainers", "level", "status",
)  # fmt: skip
REQUIRED = ("external_id", "title", "summary", "description", "topics", "format", "duration_minutes")
MAX_DURATION = 24 * 60
LIST_SEPARATOR = re.compile(r"[;|]")
ADDRESS_SEPARATOR = re.compile(r"[;|,\s]+")

FORMAT_ALIASES: dict[str, str] = {
    "op locatie": CourseFormat.ON_SITE, "locatie": CourseFormat.ON_SITE, "fysiek": CourseFormat.ON_SITE,
    "on-site": CourseFormat.ON_SITE, "on site": CourseFormat.ON_SITE, "onsite": CourseFormat.ON_SITE,
    "in person": CourseFormat.ON_SITE, "online": CourseFormat.ONLINE, "hybride": CourseFormat.HYBRID,
    "hybrid": CourseFormat.HYBRID,
}  # fmt: skip
LANGUAGE_ALIASES: dict[str, str] = {
    "": "nl",
    "nl": "nl",
    "nederlands": "nl",
    "dutch": "nl",
    "en": "en",
    "engels": "en",
    "english": "en",
}
LEVEL_ALIASES: dict[str, str] = {
    "": "", "kennismaking": CourseLevel.INTRO, "introductie": CourseLevel.INTRO, "intro": CourseLevel.INTRO,
    "basis": CourseLevel.BASIC, "basic": CourseLevel.BASIC, "gevorderd": CourseLevel.ADVANCED,
    "advanced": CourseLevel.ADVANCED,
}  # fmt: skip
STATUS_ALIASES: dict[str, str] = {
    "": "", "published": CourseStatus.PUBLISHED, "gepubliceerd": CourseStatus.PUBLISHED,
    "draft": CourseStatus.DRAFT, "concept": CourseStatus.DRAFT, "archived": CourseStatus.ARCHIVED,
    "gearchiveerd": CourseStatus.ARCHIVED,
}  # fmt: skip


def detect_format(filename: str) -> str | None:
    """Say "csv" or "jsonl" from a file name's extension, or None when it says neither."""
    return FORMATS.get(PurePath(filename).suffix.lower())


@dataclass
class LineError:
    """What is wrong with one line of the file (line 1 is the first line, the header of a CSV file)."""

    line: int
    messages: list[str]


@dataclass
class ImportedLine:
    """A line that created or updated a course."""

    line: int
    external_id: str
    title: str
    organisation: str
    course_id: int | None  # None when nothing was written (dry run, or rolled back because of errors)
    url: str = ""  # the course page, when written


@dataclass
class ImportReport:
    """The outcome of one import; `written` says whether anything was saved."""

    dry_run: bool = False
    skip_invalid: bool = False
    lines: int = 0  # records read (courses, not physical lines)
    created: list[ImportedLine] = field(default_factory=list)
    updated: list[ImportedLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileProblem(Exception):
    """The file as a whole cannot be read further; reported as an error at `line`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _text_lines(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """Physical lines as text (UTF-8, with or without BOM), numbered from 1, line endings kept."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    for raw in stream:
        number += 1
        try:
            text = decoder.decode(raw)
        except UnicodeDecodeError:
            raise _FileProblem(number, _("Het bestand is geen UTF-8-tekst (vanaf deze regel).")) from None
        yield number, text
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _FileProblem(number, _("Het bestand is geen UTF-8-tekst (vanaf deze regel).")) from None


def _csv_records(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    lines = _text_lines(stream)
    first = next(lines, None)
    if first is None:
        return
    header_text = first[1]
    # Dutch spreadsheet programs write ";" between fields; then lists inside a field use "|".
    delimiter = max(",;\t", key=header_text.count)
    current = {"line": 1}

    def feed() -> Iterator[str]:
        yield header_text
        for number, text in lines:
            current["line"] = number
            yield text

    reader = csv.reader(feed(), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        unknown = [name for name in header if name not in FIELDS]
        missing = [name for name in REQUIRED if name not in header]
        problems = []
        if unknown:
            problems.append(_("Onbekende kolommen: %(names)s.") % {"names": ", ".join(unknown)})
        if missing:
            problems.append(_("Deze kolommen ontbreken: %(names)s.") % {"names": ", ".join(missing)})
        if len(set(header)) != len(header):
            problems.append(_("Een kolom komt twee keer voor."))
        if problems:
            raise _FileProblem(1, " ".join(problems))
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield line, {"_error": _("Deze regel heeft meer velden dan er kolommen zijn.")}
                continue
            yield line, dict(zip(header, row, strict=False))
    except csv.Error as error:
        raise _FileProblem(
            current["line"], _("Het CSV-bestand is niet goed gevormd: %(error)s") % {"error": error}
        ) from None


def _jsonl_records(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, text in _text_lines(stream):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            yield number, {"_error": _("Geen geldige JSON: %(error)s.") % {"error": error.msg}}
            continue
        if not isinstance(record, dict):
            yield number, {"_error": _("Elke regel moet één JSON-object zijn.")}
            continue
        unknown = sorted(str(key) for key in record if key not in FIELDS)
        if unknown:
            yield number, {"_error": _("Onbekende velden: %(names)s.") % {"names": ", ".join(unknown)}}
            continue
        yield number, {key: value for key, value in record.items()}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        raise ValueError
    return str(value).strip()


def _names(value: Any, separator: re.Pattern[str]) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [_text(item) for item in value if _text(item)]
    return [part.strip() for part in separator.split(_text(value)) if part.strip()]


def _course_data(record: dict[str, Any], default_organisation: Organisation | None) -> services.ImportedCourse:
    """Turn one record into ImportedCourse, or raise ValidationError with every problem of the line."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in FIELDS:
        try:
            if name == "topics":
                values[name] = _names(record.get(name), LIST_SEPARATOR)
            elif name == "trainers":
                values[name] = tuple(_names(record.get(name), ADDRESS_SEPARATOR))
            else:
                values[name] = _text(record.get(name))
        except ValueError:
            errors[name] = _("Verwacht tekst, geen lijst of object.")
    for name in REQUIRED:
        if name not in errors and not values.get(name):
            errors[name] = _("Dit veld is verplicht.")
    if not values.get("organisation") and "organisation" not in errors:
        if default_organisation is None:
            errors["organisation"] = _("Dit veld is verplicht (er is geen standaardorganisatie gekozen).")
        else:
            values["organisation"] = default_organisation.name
    if values.get("format") and "format" not in errors:
        chosen = FORMAT_ALIASES.get(" ".join(values["format"].lower().split()))
        if chosen is None:
            errors["format"] = _("Kies op locatie, online of hybride.")
        values["format"] = chosen
    if values.get("duration_minutes") and "duration_minutes" not in errors:
        try:
            minutes = int(values["duration_minutes"])
        except ValueError:
            minutes = 0
        if not 0 < minutes <= MAX_DURATION:
            errors["duration_minutes"] = _("Geef de duur als een geheel aantal minuten tussen 1 en 1440.")
        values["duration_minutes"] = minutes
    for name, aliases, choices in (
        ("language", LANGUAGE_ALIASES, "nl, en"),
        ("level", LEVEL_ALIASES, "kennismaking, basis, gevorderd"),
        ("status", STATUS_ALIASES, "published, draft, archived"),
    ):
        if name in errors:
            continue
        alias = aliases.get(values[name].lower())
        if alias is None:
            errors[name] = _("Kies uit: %(choices)s.") % {"choices": choices}
        values[name] = alias
    if errors:
        raise ValidationError(errors)
    return services.ImportedCourse(**values)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name}: {message}" if name != "__all__" else str(message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [str(message) for message in error.messages]


def import_courses(
    stream: IO[bytes],
    file_format: str,
    user: User,
    *,
    default_organisation: Organisation | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every course in `stream` (bytes of a CSV or JSON Lines file) on behalf of `user`.

    All lines are checked and reported. Nothing is written when `dry_run`, nor when any line has an error
    unless `skip_invalid` (then the good lines are written and the bad ones reported). `default_organisation`
    is used for lines without an organisation. `progress` is called with the line number after each line.
    Raises PermissionDenied when `user` may not import at all.
    """
    from elkaar.core.permissions import is_programme_manager

    if not is_programme_manager(user):
        raise PermissionDenied(_("Alleen programmamanagers en beheerders mogen cursussen importeren."))
    if file_format not in {"csv", "jsonl"}:
        raise ValueError(f"unknown format {file_format!r}")
    report = ImportReport(dry_run=dry_run, skip_invalid=skip_invalid)
    records = _csv_records(stream) if file_format == "csv" else _jsonl_records(stream)
    seen: dict[tuple[str, str], int] = {}
    with transaction.atomic():
        try:
            for line, record in records:
                report.lines += 1
                _import_line(line, record, user, default_organisation, seen, report)
                if progress is not None:
                    progress(line)
        except _FileProblem as problem:
            report.errors.append(LineError(problem.line, [problem.message]))
        report.written = not dry_run and (skip_invalid or not report.errors)
        if not report.written:
            transaction.set_rollback(True)
    if not report.written:
        for entry in (*report.created, *report.updated):
            entry.course_id, entry.url = None, ""
    return report


def _import_line(
    line: int,
    record: dict[str, Any],
    user: User,
    default_organisation: Organisation | None,
    seen: dict[tuple[str, str], int],
    report: ImportReport,
) -> None:
    if "_error" in record:
        report.errors.append(LineError(line, [record["_error"]]))
        return
    try:
        data = _course_data(record, default_organisation)
    except ValidationError as error:
        report.errors.append(LineError(line, _messages(error)))
        return
    key = (data.organisation.lower(), data.external_id)
    if key in seen:
        message = _("external_id %(id)s van %(organisation)s staat ook al op regel %(line)d.") % {
            "id": data.external_id,
            "organisation": data.organisation,
            "line": seen[key],
        }
        report.errors.append(LineError(line, [message]))
        return
    seen[key] = line
    try:
        course, created = services.import_course(user, data)
    except ValidationError as error:
        report.errors.append(LineError(line, _messages(error)))
        return
    except PermissionDenied as error:
        report.errors.append(LineError(line, [str(error)]))
        return
    except IntegrityError:
        report.errors.append(LineError(line, [_("Deze regel botst met een bestaande cursus of organisatie.")]))
        return
    entry = ImportedLine(
        line, data.external_id, course.title, course.organisation.name, course.pk, course.get_absolute_url()
    )
    (report.created if created else report.updated).append(entry)
