"""Plain-pytest set-up: make ``founder_backoffice.engine`` and the XLSX writer importable without Odoo.

The add-on's ``__init__`` imports its Odoo models, and ``report/__init__`` its PDF route, so both packages are
registered here as bare namespaces pointing at their folders; only modules that never import ``odoo`` are loaded
from them (``engine/*``, ``report/xlsx.py``).
"""

import sys
import types
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "founder_backoffice"

for name, folder in (("founder_backoffice", ADDON_DIR), ("founder_backoffice.report", ADDON_DIR / "report")):
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
