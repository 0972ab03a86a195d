"""Dutch first, English complete: every text in the source has a finished English translation."""

import os
import shutil

import polib
import pytest

from elkaar.core import translations


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(translations.CATALOGUE))
    unfinished = [e.msgid for e in catalogue if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert unfinished == []


def test_compiled_catalogue_matches_the_po_file():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(translations.CATALOGUE)) if e.translated()}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(translations.CATALOGUE.with_suffix(".mo")))}
    assert mo == po


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI") != "true",
    reason="xgettext (Debian package gettext) is not installed; CI installs it",
)
def test_every_text_in_the_source_is_translated_to_english():
    assert translations.missing_translations() == []
