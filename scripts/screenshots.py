"""`make screenshots`: the first page of a reminder letter and of a statement of the demo's Arabic, Italian and
English customers, as PNG for the README (docs/screenshots/), rendered in `make run`'s database.

The letters come from a dunning run computed as the demo administrator in a transaction that is rolled back:
the database is left as it was."""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

CUSTOMERS = {
    "ar": "founder_backoffice.demo_partner_nukhba",
    "it": "founder_backoffice.demo_partner_trattoria",
    "en": "founder_backoffice.demo_partner_bright",
}


def png(pdf, target):
    """The first page of ``pdf`` as ``target`` (PNG, 70 dpi: readable in the README, small in the repository)."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "doc.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                f"{tmp}/doc.pdf",
                str(target.with_suffix("")),
            ],
            check=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--output", default="docs/screenshots")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level", "warn"], setup_logging=True)
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = env(user=admin, context={"force_report_rendering": True})
        Report = env["ir.actions.report"]
        for lang, xmlid in CUSTOMERS.items():
            partner = env.ref(xmlid)
            # the letter of the reminder the customer received (the demo sends today's run): with its page's QR code
            reminder = env["fb.dunning.reminder"].search(
                [("partner_id", "=", partner.id), ("state", "=", "sent")], limit=1
            )
            if not reminder:
                sys.exit(f"{partner.name} received no reminder: nothing to show")
            letter, _kind = Report._render_qweb_pdf("founder_backoffice.action_report_fb_dunning_letter", reminder.ids)
            png(letter, output / f"letter_{lang}.png")
            statement, _kind = Report._render_qweb_pdf("founder_backoffice.action_report_fb_statement", partner.ids)
            png(statement, output / f"statement_{lang}.png")
        cr.rollback()


if __name__ == "__main__":
    main()
