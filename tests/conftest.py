"""Plain-pytest set-up: make ``founder_backoffice.engine`` and the XLSX writer importable without Odoo.

The add-on's ``__init__`` imports its Odoo models, so it and ``tools`` are registered here as bare namespaces
pointing at their folders; only modules that never import ``odoo`` are loaded from them (``engine/*``,
``tools/xlsx.py``).
"""

import sys
import types
from pathlib import Path

ADDON_DIR = Path(__file__).resolve().parent.parent / "founder_backoffice"

for name, folder in (("founder_backoffice", ADDON_DIR), ("founder_backoffice.tools", ADDON_DIR / "tools")):
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
