"""CSV exports of the dashboards and the savings totals: the same figures as the pages, amounts with a decimal point
(so spreadsheets in every language read them), texts that look like a formula written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe, so no spreadsheet runs it."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe(cell) for cell in row])
    return text_response(filename, buffer.getvalue(), "text/csv; charset=utf-8")


def text_response(filename: str, text: str | bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def share(value: float | None) -> float | str:
    """A share (0..1) with four decimals, or empty."""
    return "" if value is None else round(value, 4)
