import io
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import trans_export


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
