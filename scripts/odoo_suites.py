"""odoo-bin, with every selected test run once the registry is complete, as post-install tests are.

Odoo runs a module's at_install tests while the database loads, right after that module: the modules that depend
on it (this add-on on crm and mail) are not in the registry yet, so those tests would never meet the add-on. Run
through this wrapper (with Odoo's source tree on PYTHONPATH), the selected at_install tests run with the
post-install ones, against every installed module: with the add-on installed and, for the baseline, without it.
"""

import odoo.cli
from odoo.tests import loader
from odoo.tests.suite import OdooSuite

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite([])
    return OdooSuite([*_make_suite(module_names, "at_install"), *_make_suite(module_names, "post_install")])


loader.make_suite = make_suite

if __name__ == "__main__":
    odoo.cli.main()
