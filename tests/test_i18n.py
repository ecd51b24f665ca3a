"""The committed translations are complete: every term of the .pot translated in ar.po and it.po, no fuzzy
entry, and the placeholders and markup of each translation identical to its source."""

import re
from collections import Counter
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("founder_backoffice", "founder_backoffice_hr", "founder_backoffice_sms", "founder_backoffice_bill_capture")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd%]|\{\{.*?\}\}")
TAG = re.compile(r"<[^>]+>")


def _entries(path):
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


@pytest.fixture(params=[(addon, lang) for addon in ADDONS for lang in ("ar", "it")], scope="module")
def catalogue(request):
    addon, lang = request.param
    return (
        f"{addon}/{lang}",
        _entries(ROOT / addon / "i18n" / f"{lang}.po"),
        _entries(ROOT / addon / "i18n" / f"{addon}.pot"),
    )


def test_main_template_is_not_empty():
    assert len(_entries(ROOT / "founder_backoffice" / "i18n" / "founder_backoffice.pot")) > 100


def test_every_term_is_translated(catalogue):
    lang, entries, template = catalogue
    missing = sorted(set(template) - set(entries))
    assert not missing, f"{lang}.po lacks {len(missing)} terms of the .pot, e.g. {missing[:3]} (run make i18n)"
    empty = [msgid for msgid, entry in entries.items() if not entry.msgstr.strip()]
    assert not empty, f"{lang}.po has {len(empty)} untranslated terms, e.g. {empty[:3]}"


def test_no_fuzzy_entry(catalogue):
    lang, entries, _template = catalogue
    fuzzy = [msgid for msgid, entry in entries.items() if "fuzzy" in entry.flags]
    assert not fuzzy, f"{lang}.po has fuzzy entries: {fuzzy[:3]}"


def test_placeholders_and_markup_are_kept(catalogue):
    lang, entries, _template = catalogue
    for msgid, entry in entries.items():
        if not entry.msgstr:
            continue
        assert Counter(PLACEHOLDER.findall(msgid)) == Counter(PLACEHOLDER.findall(entry.msgstr)), (lang, msgid)
        assert Counter(TAG.findall(msgid)) == Counter(TAG.findall(entry.msgstr)), (lang, msgid)
