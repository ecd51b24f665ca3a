import io
from datetime import date
from pathlib import Path

import openpyxl
import polib
from markupsafe import Markup

from odoo.fields import Command
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import format_amount
from odoo.tools.translate import trans_export

from ..tools import text
from .common import FounderBackofficeCommon


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_committed_pot_has_every_term_of_the_installed_module(self):
        """A new user-facing string cannot slip in untranslated: re-export and compare with the committed .pot."""
        buffer = io.BytesIO()
        trans_export(False, ["founder_backoffice"], buffer, "po", self.env)
        exported = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        committed_path = Path(__file__).resolve().parent.parent / "i18n" / "founder_backoffice.pot"
        committed = {entry.msgid for entry in polib.pofile(str(committed_path))}
        missing = sorted(exported - committed)
        self.assertFalse(
            missing, f"{len(missing)} terms missing from the committed .pot (run make i18n): {missing[:5]}"
        )


@tagged("post_install", "-at_install")
class TestWording(FounderBackofficeCommon):
    """What the Italian and Arabic users and customers read is written in whole sentences of their language, with
    dates and numbers as they write them (the translation review's code defects)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["res.lang"]._activate_lang("ar_001")
        cls.manager = cls._persona("Collections manager", lang="it_IT")
        cls.founder = cls._persona("Founder", lang="it_IT")

    @staticmethod
    def _as_italian(records, user):
        """``records`` as ``user`` reaches them from the web client, which sends the user's language."""
        return records.with_user(user).with_context(lang=user.lang)

    @freeze_time("2026-04-20")
    def test_chatter_notes_of_a_run_are_whole_italian_sentences(self):
        invoice = self._invoice(self.customer, 100.0, date(2026, 4, 1))  # 19 days late: the firm level
        run = self._run(date(2026, 4, 20))
        self._as_italian(run, self.manager).action_send()
        reminder = run.reminder_ids
        link = f'<a href="#" data-oe-model="fb.dunning.reminder" data-oe-id="{reminder.id}">Firm</a>'
        amount = self.eur.with_context(lang="it_IT").format(100.0)
        [customer_note] = self.customer.message_ids.filtered(lambda m: "Sollecito di pagamento" in (m.body or ""))
        self.assertEqual(
            str(customer_note.body),
            f'Sollecito di pagamento inviato, livello {link}, per <bdi dir="auto">{amount}</bdi>.',
        )
        [invoice_note] = invoice.message_ids.filtered(lambda m: "Sollecito di pagamento" in (m.body or ""))
        self.assertEqual(
            str(invoice_note.body),
            f"Sollecito di pagamento inviato, livello {link}; questa fattura ha raggiunto il livello Firm.",
        )

    def test_interest_rate_names_its_half_year_and_rate_in_the_language(self):
        rate = self.env["fb.interest.rate"].create(
            {"company_id": self.company.id, "date_from": date(2025, 7, 1), "rate": 2.15}
        )
        names = {}
        for lang in ("en_US", "it_IT", "ar_001"):
            rate.invalidate_recordset(["display_name"])
            names[lang] = rate.with_context(lang=lang).display_name
        self.assertEqual(
            names,
            {
                "en_US": "Half-year 2 of 2025: 2.15 %",
                "it_IT": "2° semestre 2025: 2,15 %",
                "ar_001": "نصف السنة 2 من عام 2025: 2.15 %",
            },
        )

    @freeze_time("2026-04-20")
    def test_promise_and_reminder_names_carry_the_language_date(self):
        invoice = self._invoice(self.customer, 500.0, date(2026, 4, 1))
        promise = self.env["fb.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "amount": 500.0,
                "promised_date": date(2026, 5, 10),
                "company_id": self.company.id,
            }
        )
        amount = self.eur.with_context(lang="it_IT").format(500.0)
        self.assertEqual(
            self._as_italian(promise, self.manager).display_name, f"Rossi S.p.A.: {amount} entro il 10/05/2026"
        )
        promise.with_user(self.manager).action_cancel()  # the reminder waits for no promise
        reminder = self._run(date(2026, 4, 20)).reminder_ids
        self.assertEqual(self._as_italian(reminder, self.manager).display_name, "Rossi S.p.A. - Firm (20/04/2026)")

    def test_arabic_salutation_greets_on_its_own_line_and_numbers_sit_in_labels(self):
        customer = self._customer("شركة النخبة للتجارة", lang="ar_001")
        env_ar = self.env(context=dict(self.env.context, lang="ar_001"))
        self.assertEqual(
            text.salutation(env_ar, customer),
            Markup('السادة <bdi dir="auto">شركة النخبة للتجارة</bdi> المحترمين،<br/>السلام عليكم ورحمة الله وبركاته،'),
        )
        self.assertEqual(
            text.overdue_summary(env_ar, 700.0, self.eur, 7),
            f"متأخرات بقيمة {format_amount(env_ar, 700.0, self.eur)}؛ أيام تأخر أقدم بند: 7",
        )

    @freeze_time("2026-06-30")
    def test_xlsx_headers_show_the_period_and_date_as_the_reader_writes_them(self):
        Wizard = self._as_italian(self.env["fb.report.wizard"], self.founder)
        pnl = Wizard.create(
            {
                "report": "pnl",
                "company_id": self.company.id,
                "date_from": date(2026, 2, 1),
                "date_to": date(2026, 6, 30),
            }
        )
        aging = Wizard.create({"report": "aging_receivable", "company_id": self.company.id, "as_of": date(2026, 5, 31)})
        headers = {}
        for wizard in (pnl, aging):
            model, options = wizard._report_model()
            sheet = openpyxl.load_workbook(io.BytesIO(model._xlsx_content(options))).worksheets[0]
            headers.update({row[0].value: row[1] for row in sheet.iter_rows(max_row=6, max_col=2) if row[0].value})
        self.assertEqual(headers["Periodo"].value, "Dal 01/02/2026 al 30/06/2026")
        as_of = headers["Data di riferimento"]
        self.assertEqual((as_of.value.date(), as_of.number_format), (date(2026, 5, 31), "dd/mm/yyyy"))
