"""Plain-pytest set-up: make ``founder_backoffice.engine``, the XLSX writer and bill capture's engine and file
reader importable without Odoo.

An add-on's ``__init__`` imports its Odoo models, so each add-on and its ``tools`` are registered here as bare
namespaces pointing at their folders; only modules that never import ``odoo`` are loaded from them (``engine/*``,
``tools/xlsx.py``, ``tools/bill_text.py``).
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDON_DIR = ROOT / "founder_backoffice"
BILL_CAPTURE_DIR = ROOT / "founder_backoffice_bill_capture"

for name, folder in (
    ("founder_backoffice", ADDON_DIR),
    ("founder_backoffice.tools", ADDON_DIR / "tools"),
    ("founder_backoffice_bill_capture", BILL_CAPTURE_DIR),
    ("founder_backoffice_bill_capture.tools", BILL_CAPTURE_DIR / "tools"),
):
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
