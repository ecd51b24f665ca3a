"""pytest-odoo runs the add-on's Odoo tests with the project's Odoo configuration (``.odoo.cfg``, written by the
scripts: addons path, database server), so ``pytest --odoo-database=fb_pytest founder_backoffice/tests -k name``
needs nothing else (``make pytest-db`` makes that database). ``--odoo-config`` or ``ODOO_RC`` choose another. The
plain tests of ``tests/`` run without the plugin (``-p no:odoo``), where this does nothing."""

import os
from pathlib import Path

import pytest

ODOO_CONFIG = Path(__file__).resolve().parent / ".odoo.cfg"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    """Before pytest-odoo reads its options (it does in this hook too)."""
    wanted = config.getoption("--odoo-database", None)
    if wanted and not config.getoption("--odoo-config") and not os.environ.get("ODOO_RC") and ODOO_CONFIG.exists():
        config.option.odoo_config = str(ODOO_CONFIG)
    return (yield)
