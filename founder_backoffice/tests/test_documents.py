"""What customers and founders receive, as they receive it: the PDFs rendered by the real (patched-Qt) wkhtmltopdf
and read back with poppler's ``pdftotext``, the e-mails as queued, in Arabic, Italian and English."""

import os
import re
import subprocess
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

import polib
from babel import dates
from lxml import etree, html

from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools.misc import format_amount

from odoo.addons.base.models.ir_actions_report import _wkhtml

from .common import FounderBackofficeCommon

LANGS = ("ar_001", "it_IT", "en_US")
I18N = Path(__file__).resolve().parent.parent / "i18n"
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
MM = 72 / 25.4  # PDF points per millimetre


def _latin_words(text):
    return {word.lower() for word in LATIN_WORD.findall(text)}


def _catalogue_words(lang):
    """Every Latin word the language's own catalogue and calendar write: Italian shares "in", "e-mail" or "feb"
    (its February) with English."""
    months = dates.get_month_names("abbreviated", locale=lang).values()
    return set().union(*(_latin_words(entry.msgstr) for entry in polib.pofile(str(I18N / f"{lang[:2]}.po"))), months)


def _contains(text, phrase):
    """Whether ``phrase`` is in ``text`` read from a PDF, spaces aside. pdftotext gives Arabic letter by letter as
    presentation forms in visual order: the text is also read back to logical order for it."""
    phrase, text = "".join(phrase.split()), "".join(text.split())
    return phrase in text or phrase in unicodedata.normalize("NFKC", text[::-1])


class Pdf:
    """The pages of a PDF as poppler reads them: size and every word with its box, in points."""

    def __init__(self, content, name):
        self.content = content
        if os.environ.get("FB_PDF_DIR"):  # to look at them: FB_PDF_DIR=/tmp/pdfs make test
            Path(os.environ["FB_PDF_DIR"], f"{name}.pdf").write_bytes(content)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            xhtml = subprocess.run(
                ["pdftotext", "-bbox", pdf.name, "-"], capture_output=True, check=True, timeout=60
            ).stdout
        self.pages = []
        for page in etree.fromstring(xhtml).iter("{*}page"):
            words = [
                (word.text or "", *(float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                for word in page.iter("{*}word")
            ]
            self.pages.append((float(page.get("width")), float(page.get("height")), words))

    @property
    def text(self):
        return " ".join(word[0] for _w, _h, words in self.pages for word in words)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-30")
class TestCustomerDocuments(FounderBackofficeCommon, HttpCase):
    """One company with a full address; an Arabic, an Italian and an English customer, each two invoices late, and
    the Final level (a letter with the statutory interest) translated by the administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        assert _wkhtml().is_patched_qt, (
            "these tests need wkhtmltopdf with patched Qt (make test installs it): the one found is not"
        )
        for lang in LANGS:
            cls.env["res.lang"]._activate_lang(lang)
        cls.company.write(
            {
                "name": "Officina Nova S.r.l.",
                "street": "Via Ugo Bassi 7",
                "zip": "40121",
                "city": "Bologna",
                "country_id": cls.env.ref("base.it").id,
                "company_details": False,
            }
        )
        cls.customers = {
            "ar_001": cls._customer("شركة النخبة للتجارة", lang="ar_001", street="طريق الملك فهد", city="الرياض"),
            "it_IT": cls._customer(
                "Trattoria Da Luigi S.r.l.", lang="it_IT", street="Via Indipendenza 12", city="Bologna"
            ),
            "en_US": cls._customer("Bright Ideas Ltd", lang="en_US", street="12 King Street", city="Manchester"),
        }
        cls.env["fb.interest.rate"].create({"company_id": cls.company.id, "date_from": date(2026, 1, 1), "rate": 2.15})
        cls.policy.compensation_amount = 40.0
        cls.level_3.write(
            {
                "charge_interest": True,
                "attach_letter": True,
                "letter_text": "This is our final notice before collection proceedings.",
            }
        )
        cls.level_3.update_field_translations("name", {"it_IT": "Ultimo avviso", "ar_001": "الإنذار الأخير"})
        cls.level_3.update_field_translations(
            "letter_text",
            {
                "it_IT": "La presente costituisce ultimo avviso prima delle procedure di recupero del credito.",
                "ar_001": "هذا إنذارنا الأخير قبل البدء بإجراءات التحصيل.",
            },
        )
        with freeze_time("2026-04-30"):
            for customer in cls.customers.values():
                cls._invoice(customer, 1234.56, date(2026, 3, 2))
                cls._invoice(customer, 500.0, date(2026, 4, 10))
            cls.manager = cls._persona("Collections manager")
            cls.dunning_run = cls.env["fb.dunning.run"].with_user(cls.manager).create({"company_id": cls.company.id})
            cls.dunning_run.action_compute()
        cls.reminders = {reminder.lang: reminder for reminder in cls.dunning_run.reminder_ids}
        cls.paperformat = cls.company.paperformat_id or cls.env.ref("base.paperformat_euro")

    def _send(self):
        """Send the run as the collections manager, letters rendered by wkhtmltopdf as in production."""
        self.dunning_run.with_context(force_report_rendering=True).action_send()

    def _pdf(self, name, report, res_ids, lang="en_US", user=None, data=None):
        Report = self.env["ir.actions.report"].with_user(user or self.manager).with_context(lang=lang)
        content, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(report, res_ids, data=data)
        self.assertEqual(kind, "pdf")
        return Pdf(content, name)

    def _assert_letterhead(self, pdf, what):
        """The company name and address in the header band of every page, its number in the footer band, and no
        word outside the printable area."""
        fmt = self.paperformat
        self.assertTrue(pdf.pages, what)
        for number, (width, height, words) in enumerate(pdf.pages, start=1):
            header = " ".join(w[0] for w in words if w[4] <= fmt.margin_top * MM)
            footer = " ".join(w[0] for w in words if w[2] >= height - fmt.margin_bottom * MM)
            for part in ("Officina Nova S.r.l.", "Via Ugo Bassi 7", "40121", "Bologna"):
                self.assertIn(part, header, f"{what}, page {number}: {part} not in the header band ({header!r})")
            self.assertRegex(footer, rf"(?<!\d){number}(?!\d)", f"{what}, page {number}: no page number in the footer")
            left, right = fmt.margin_left * MM - 1, width - fmt.margin_right * MM + 1
            outside = [w for w in words if w[1] < left or w[3] > right or w[2] < 0 or w[4] > height]
            self.assertFalse(outside, f"{what}, page {number}: words outside the printable area")

    def _assert_no_english(self, text, english, lang, allowed, what):
        """No word of the English rendering of the same document is left in the Arabic or Italian one, apart from
        names, numbers, codes and addresses (``allowed``) and words the language's own catalogue uses."""
        if lang == "en_US":
            return
        left = (_latin_words(text) & english) - _latin_words(" ".join(allowed)) - _catalogue_words(lang)
        self.assertFalse(left, f"{what} in {lang}: English words {sorted(left)}")

    def _allowed(self, partners):
        """Names, addresses, document numbers and the currency code: not words to translate."""
        partners |= self.company.partner_id
        moves = self.env["account.move"].search([("partner_id", "in", partners.ids)])
        return [
            self.company.currency_id.name,
            *partners.mapped("name"),
            *filter(None, partners.mapped("email") + partners.mapped("street") + partners.mapped("city")),
            *moves.mapped("name"),
        ]

    def test_letters(self):
        letters = self.reminders["en_US"].with_context(force_report_rendering=True)
        batch = (letters | self.reminders["ar_001"] | self.reminders["it_IT"])._render_letters()
        self._send()
        english = set()
        for lang in ("en_US", "ar_001", "it_IT"):
            reminder = self.reminders[lang]
            pdf = Pdf(batch[reminder.id], f"letter_{lang}")  # each letter of the batch on its own
            if lang == "ar_001":  # as long as the same letter rendered alone (the right-to-left one, the longest)
                direct = self._pdf(
                    f"letter_{lang}_alone", "founder_backoffice.action_report_fb_dunning_letter", reminder.ids
                )
                self.assertEqual(len(pdf.pages), len(direct.pages), lang)
            self._assert_letterhead(pdf, f"letter {lang}")
            text = pdf.text
            self.assertTrue(_contains(text, reminder.partner_id.name), lang)
            self.assertTrue(_contains(text, reminder.with_context(lang=lang).level_id.name), lang)
            english |= _latin_words(text) if lang == "en_US" else set()
            self._assert_no_english(text, english, lang, self._allowed(reminder.partner_id), "letter")
            total = format_amount(reminder.with_context(lang=lang).env, reminder.amount_total, reminder.currency_id)
            self.assertIn(total.replace("\xa0", " ").split()[0], text.replace("\xa0", " "), lang)
            self.assertTrue(reminder.amount_interest and reminder.amount_compensation)
            self.assertEqual(reminder.sudo().mail_id.attachment_ids.mapped("mimetype"), ["application/pdf"])
            attached = Pdf(reminder.sudo().mail_id.attachment_ids.raw, f"letter_{lang}_attached")
            self._assert_letterhead(attached, f"attached letter {lang}")
        self.assertIn("final", english)

    def test_statements(self):
        english = set()
        for lang in ("en_US", "ar_001", "it_IT"):
            partner = self.customers[lang]
            pdf = self._pdf(f"statement_{lang}", "founder_backoffice.action_report_fb_statement", partner.ids)
            self._assert_letterhead(pdf, f"statement {lang}")
            english |= _latin_words(pdf.text) if lang == "en_US" else set()
            self._assert_no_english(pdf.text, english, lang, self._allowed(partner), "statement")
            balance = format_amount(self.env(context={"lang": lang}), 1734.56, self.eur)
            self.assertIn(balance.replace("\xa0", " ").split()[0], pdf.text.replace("\xa0", " "), lang)

    def test_reports(self):
        founder = self._persona("Founder")
        for report, kind in (("aging", "aging_receivable"), ("pnl", "pnl"), ("cash_flow", "cash_flow")):
            english = set()
            for lang in ("en_US", "ar_001", "it_IT"):
                founder.lang = lang
                wizard = (
                    self.env["fb.report.wizard"]
                    .with_user(founder)
                    .create({"report": kind, "company_id": self.company.id, "date_from": date(2026, 1, 1)})
                )
                action = wizard.with_context(lang=lang).action_pdf()
                pdf = self._pdf(
                    f"{report}_{lang}", action["report_name"], wizard.ids, lang, founder, action.get("data")
                )
                self._assert_letterhead(pdf, f"{report} {lang}")
                english |= _latin_words(pdf.text) if lang == "en_US" else set()
                allowed = self._allowed(self.env["res.partner"].concat(*self.customers.values()))
                allowed += self.env["account.account"].search([]).mapped("name")
                self._assert_no_english(pdf.text, english, lang, allowed, report)

    def _send_statement(self, partner, render=True):
        """E-mail the statement from the customer's form as the collections manager, through Odoo's composer; its
        PDF rendered by wkhtmltopdf when ``render``, else as Odoo's tests render reports (HTML)."""
        action = partner.with_user(self.manager).action_fb_send_statement()
        composer = self.env["mail.compose.message"].with_user(self.manager).with_context(**action["context"]).create({})
        composer.with_context(force_report_rendering=render).action_send_mail()
        return self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])

    def test_emails(self):
        """The e-mails' bodies; the letters attached are test_letters' (their PDFs are not rendered again here), the
        statement attached is rendered once, in Arabic."""
        self.dunning_run.action_send()
        english = {}
        for lang in ("en_US", "ar_001", "it_IT"):
            partner, reminder = self.customers[lang], self.reminders[lang]
            statement = self._send_statement(partner, render=lang == "ar_001")
            self.assertEqual(len(statement), 1, lang)
            if lang == "ar_001":
                self._assert_letterhead(Pdf(statement.attachment_ids.raw, f"statement_{lang}_attached"), "statement")
            mails = {"reminder e-mail": reminder.sudo().mail_id, "statement e-mail": statement}
            for what, mail in mails.items():
                if os.environ.get("FB_PDF_DIR"):
                    Path(os.environ["FB_PDF_DIR"], f"{what}_{lang}.html").write_text(mail.body_html)
                root = html.fromstring(mail.body_html)
                text = f"{mail.subject} {root.text_content()}"
                direction = "rtl" if lang == "ar_001" else "ltr"
                self.assertEqual(set(root.xpath("//@dir")) - {"auto"}, {direction}, f"{what} {lang}")
                self.assertIn(partner.name, root.xpath("//bdi/text()"), f"{what} {lang}: the name is isolated")
                if lang == "en_US":
                    english[what] = _latin_words(text)
                allowed = [*self._allowed(partner), self.manager.name]
                self._assert_no_english(text, english[what], lang, allowed, what)
            total = format_amount(reminder.with_context(lang=lang).env, reminder.amount_total, reminder.currency_id)
            self.assertIn(total, reminder.sudo().mail_id.body_html, lang)

    def test_new_level_lists_the_languages_it_lacks(self):
        """As the collections manager who configures the policy, in the level form (onchange) and saved."""
        Level = self.env["fb.dunning.level"].with_user(self.manager)
        draft = Level.new({"policy_id": self.policy.id, "name": "Legal hand-over", "days": 90})
        self.assertEqual(draft.missing_translations, "Arabic / الْعَرَبيّة and Italian / Italiano")
        level = Level.create(
            {
                "policy_id": self.policy.id,
                "name": "Legal hand-over",
                "days": 90,
                "letter_text": "Your file goes to our lawyer.",
                "escalate_credit_hold": True,
                "mail_template_id": self.env.ref("founder_backoffice.mail_template_fb_dunning_final").id,
            }
        )
        self.assertEqual(level.missing_translations, "Arabic / الْعَرَبيّة and Italian / Italiano")
        level.update_field_translations("name", {"it_IT": "Passaggio al legale", "ar_001": "الإحالة إلى المحامي"})
        level.update_field_translations(
            "letter_text", {"it_IT": "La pratica passa al legale.", "ar_001": "يُحال ملفكم إلى محامينا."}
        )
        level.invalidate_recordset()
        self.assertFalse(level.missing_translations)
        template = self.env["mail.template"].create(
            {
                "name": "Lawyer",
                "model_id": self.env.ref("founder_backoffice.model_fb_dunning_reminder").id,
                "subject": "Your file",
                "body_html": "<p>Your file goes to our lawyer.</p>",
            }
        )
        level.mail_template_id = template
        self.assertEqual(level.missing_translations, "Arabic / الْعَرَبيّة and Italian / Italiano")
        self.assertIn(level, self.policy.with_user(self.manager).level_ids.filtered("missing_translations"))
