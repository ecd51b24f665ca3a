"""The wording of the Italian and Arabic catalogues stays as the translation review fixed it: one term per concept
(the glossary), no term the review removed, and no number followed by a counted noun in one string (Arabic
number-noun agreement cannot be right for every number; such strings use a label form, "Days late: %s")."""

import re
from pathlib import Path

import polib
import pytest

I18N = Path(__file__).resolve().parent.parent / "founder_backoffice" / "i18n"

FORBIDDEN = {
    "it": {
        "indennizzo": "risarcimento forfettario (art. 6 D.Lgs. 231/2002)",
        "politica di sollecito": "procedura di sollecito",
        "politiche di sollecito": "procedure di sollecito",
        "giorni di scaduto": "giorni di ritardo",
        "dati delle": "dati aggiornati al",
        "non scaduto": "a scadere",
        "dashboard": "cruscotto",
    },
    "ar": {
        "غرامات التأخير": "فوائد التأخير",
        "%s يومًا": "a label form",
        "%s شهرًا": "a label form",
        "السعر المرجعي": "سعر الفائدة المرجعي",
        "الأعباء الاجتماعية": "التأمينات الاجتماعية",
        "المنصوص عليهما قانونًا": "the law that applies to the contract",
        "الإنذار الأخير": "الإنذار النهائي",
    },
}

# one translation per concept, as the glossary says
GLOSSARY = {
    "it": {
        "Recovery compensation": "Risarcimento forfettario dei costi di recupero",
        "Dunning policy": "Procedura di sollecito",
        "Days overdue": "Giorni di ritardo",
        "Figures of %(datetime)s (%(age)s)": "Dati aggiornati al %(datetime)s (%(age)s)",
        "Not due": "A scadere",
    },
    "ar": {
        "Late-payment interest": "فوائد التأخير",
        "Interest": "فوائد التأخير",
        "Reference rate (%)": "سعر الفائدة المرجعي (%)",
        "As of": "كما في",
        "Runway (months)": "مدة كفاية النقد (بالأشهر)",
    },
}

# a number placeholder right before the noun it counts: wrong in Arabic for most numbers, "1 giorni" in Italian
COUNTED = re.compile(r"%(\([a-z_]+\))?[sd] (days?|months?|weeks?)\b")
# ... except where the number is a constant of the code whose Arabic form the translation spells right
CONSTANT_COUNTS = {
    "The promised date must be between the day of the promise and %(days)s days later; for a longer delay, agree on "
    "a payment plan.",
    "The instalments of a payment plan fall between the day it is agreed and %(days)s days later.",
    "Choose a date from today to %(days)s days from now; for a longer delay, please contact us about a payment plan.",
    "This report covers at most %s months: choose a shorter period.",
}


def _entries(lang):
    return [entry for entry in polib.pofile(str(I18N / f"{lang}.po")) if not entry.obsolete and entry.msgid]


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_no_term_the_review_removed(lang):
    found = [
        (entry.msgid[:60], term, better)
        for entry in _entries(lang)
        for term, better in FORBIDDEN[lang].items()
        if term in entry.msgstr.lower()
    ]
    assert not found, f"{lang}.po: (msgid, removed term, write instead) {found}"


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_glossary_terms(lang):
    translations = {entry.msgid: entry.msgstr for entry in _entries(lang)}
    assert {msgid: translations.get(msgid) for msgid in GLOSSARY[lang]} == GLOSSARY[lang]


def test_arabic_salutation_greets_after_the_addressee():
    [salutation] = [entry.msgstr for entry in _entries("ar") if entry.msgid == "Dear %(customer)s,"]
    addressee, greeting = salutation.split("\n")
    assert addressee == "السادة %(customer)s المحترمين،"
    assert greeting.startswith("السلام عليكم ورحمة الله وبركاته")


def test_no_number_followed_by_the_noun_it_counts():
    counted = [e.msgid for e in _entries("it") if COUNTED.search(e.msgid) and e.msgid not in CONSTANT_COUNTS]
    assert not counted, f"use a label form (e.g. 'Days late: %s'): {counted}"


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_every_term_translated(lang):
    template = {entry.msgid for entry in polib.pofile(str(I18N / "founder_backoffice.pot")) if entry.msgid}
    entries = {entry.msgid: entry.msgstr for entry in _entries(lang)}
    assert template <= set(entries), sorted(template - set(entries))[:5]
    assert not [msgid for msgid in template if not entries[msgid].strip()]
