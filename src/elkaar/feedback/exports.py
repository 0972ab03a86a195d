"""A report as CSV or XLSX: the same figures as the page, and (XLSX) one row per response in content order.

No export holds a response id, a moment or the order in which people answered; anonymous reports hold no names.
Cells that a spreadsheet would read as a formula are written as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook

from elkaar.feedback.charts import percent
from elkaar.feedback.reports import Report

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe, so no spreadsheet runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else number_format(round(value, digits), digits)


def summary_rows(report: Report) -> list[list[Any]]:
    """Header and rows: question, type, answer, count, share, value."""
    rows: list[list[Any]] = [[_("Vraag"), _("Soort"), _("Antwoord"), _("Aantal"), _("Aandeel"), _("Waarde")]]
    rate = percent(report.rate) if report.rate is not None else ""
    rows.append([_("Respons"), "", _("Uitgenodigd"), report.invited, "", ""])
    rows.append([_("Respons"), "", _("Ingevuld"), report.responded, rate, ""])
    if not report.visible:
        rows.append(
            [
                _("Resultaten"),
                "",
                ngettext(
                    "Nog niet zichtbaar: minder dan %(count)s antwoord op een anonieme vragenlijst.",
                    "Nog niet zichtbaar: minder dan %(count)s antwoorden op een anonieme vragenlijst.",
                    report.min_responses,
                )
                % {"count": report.min_responses},
                "",
                "",
                "",
            ]
        )
        return rows
    for question in report.questions:
        kind = question.kind_label
        for option in question.options:
            rows.append([question.text, kind, option.label, option.count, percent(option.share), ""])
        if question.stats:
            stats = question.stats
            rows.append([question.text, kind, _("Aantal antwoorden"), stats.n, "", ""])
            rows.append([question.text, kind, _("Gemiddelde"), "", "", _number(stats.mean)])
            rows.append([question.text, kind, _("Standaardafwijking"), "", "", _number(stats.spread)])
            rows.append([question.text, kind, _("Mediaan"), "", "", _number(stats.median)])
            rows.append([question.text, kind, _("Laagste"), "", "", _number(stats.minimum)])
            rows.append([question.text, kind, _("Hoogste"), "", "", _number(stats.maximum)])
        if question.recommendation:
            score = question.recommendation
            rows.append([question.text, kind, _("Aanbevelingsscore (NPS)"), score.n, "", score.score])
        for answer in question.texts:
            text = f"{answer.name}: {answer.text}" if answer.name else answer.text
            rows.append([question.text, kind, text, "", "", ""])
    return rows


def as_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in summary_rows(report):
        writer.writerow([safe(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def as_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Samenvatting")[:31]
    sheet.append([safe(report.title)])
    sheet.append([])
    for row in summary_rows(report):
        sheet.append([safe(cell) for cell in row])
    if report.visible:
        answers = workbook.create_sheet(_("Antwoorden")[:31])
        header = [question.text for question in report.questions]
        if report.names:
            header = [_("Naam"), *header]
        answers.append([safe(cell) for cell in header])
        for index, row in enumerate(report.rows):
            cells = [report.names[index], *row] if report.names else row
            answers.append([safe(cell) for cell in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
