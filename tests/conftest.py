"""Plain-pytest set-up: make ``founder_backoffice.engine`` importable without Odoo.

The add-on's ``__init__`` imports its Odoo models, so the package is registered here as a bare namespace
pointing at the add-on folder; only the ``engine`` sub-package, which never imports ``odoo``, is loaded.
"""

import sys
import types
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "founder_backoffice"

if "founder_backoffice" not in sys.modules:
    package = types.ModuleType("founder_backoffice")
    package.__path__ = [str(ADDON_DIR)]
    sys.modules["founder_backoffice"] = package
