"""Makes the Italian company of the add-on's tests (``tests/common.py``), with its chart, in the tests' template.

Every test class of the add-on runs in a company with the Italian chart of accounts; Odoo's test classes create
that company and load its chart in each class's set-up, most of a class's set-up time. Made once here, in the
state Odoo's ``AccountTestInvoicingCommon._create_company`` leaves it in (under a name of its own: company names
are unique, and Odoo's tests name theirs "company_1_data"), it is shared by the classes (each class's
changes are rolled back at its end); Odoo's own suites make their companies as before. So are ``SPARE_COMPANIES``
more, the "other company" a class asks for (``setup_other_company``): the tests' ``_create_company`` takes one not
yet taken in its transaction and gives it the name asked. The web client's asset bundles are generated here too:
the tests' run then generates only those the add-ons change. It is made in a copy of the template database
(``template_db.sh tests``): the demo, the benchmark and the wheels' test do not get it.

Usage (Odoo's source tree on PYTHONPATH): template_company.py ODOO_CONFIG DATABASE
"""

import sys

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config

XMLID = ("__fb_tests__", "company_it")
# the most other companies one test class uses at once; each named SPARE_NAME and its number until taken
SPARE_COMPANIES, SPARE_NAME = 2, "Spare Test Company"


def main(config_file, database):
    config.parse_config(["-c", config_file, "-d", database], setup_logging=True)
    with Registry(database).cursor() as cr:
        # install_mode: no localisation module is installed on the side when the company gets its country
        env = api.Environment(cr, SUPERUSER_ID, {"install_mode": True})
        _italian_company(env, "Italia Test S.r.l.", XMLID[1])
        for number in range(1, SPARE_COMPANIES + 1):
            _italian_company(env, f"{SPARE_NAME} {number}", f"company_spare_{number}")
        env["ir.qweb"]._pregenerate_assets_bundles()


def _italian_company(env, name, xmlid):
    """A company made as ``AccountTestInvoicingCommon._create_company`` makes it, with the Italian chart."""
    italy = env.ref("base.it")
    company = env["res.company"].create({"name": name, "country_id": italy.id, "currency_id": italy.currency_id.id})
    env.user.company_ids = [(4, company.id)]
    env["account.chart.template"].try_loading("it", company=company, install_demo=False)
    company.currency_id = italy.currency_id
    env["ir.model.data"].create(
        {"module": XMLID[0], "name": xmlid, "model": "res.company", "res_id": company.id, "noupdate": True}
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
