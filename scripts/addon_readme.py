"""Writes each add-on's README.rst from its readme/*.md fragments, in the OCA's layout (the page PyPI and the
OCA's tools show); with --check, writes nothing and fails when a README.rst is not what its fragments give.

The fragments use a small part of Markdown (paragraphs, lists, **bold**, *italic*, `code`): the same text is
reStructuredText once `code` becomes ``code``.

It also writes the tables of the repository README's Security section from the add-on's
``founder_backoffice/tests/personas.md``, where the tests read them (from the installed wheel too): each table of
that file replaces the first table under the same heading of README.md."""

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("founder_backoffice", "founder_backoffice_hr", "founder_backoffice_sms", "founder_backoffice_bill_capture")
SECTIONS = (
    ("DESCRIPTION", None),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
)
# The README's persona and access tables, kept in the add-on (its tests read them there).
PERSONA_TABLES = ROOT / "founder_backoffice" / "tests" / "personas.md"
LICENSE_BADGES = {
    "LGPL-3": ("LGPL--3", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html"),
}


def _rst(markdown):
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", markdown.strip())


def _title(text, underline, overline=False):
    line = underline * len(text)
    return f"{line}\n{text}\n{line}" if overline else f"{text}\n{line}"


def readme(addon):
    """The README.rst of ``addon`` from its manifest and fragments."""
    folder = ROOT / addon
    manifest = ast.literal_eval((folder / "__manifest__.py").read_text())
    badge, licence_url = LICENSE_BADGES[manifest["license"]]
    parts = [
        _title(manifest["name"], "=", overline=True),
        "..\n   !! Generated from readme/*.md by scripts/addon_readme.py (make readme): edit the fragments !!",
        "|badge1| |badge2|",
        f".. |badge1| image:: https://img.shields.io/badge/licence-{badge}-blue.png\n"
        f"    :target: {licence_url}\n    :alt: License: {manifest['license']}",
        ".. |badge2| image:: https://img.shields.io/badge/odoo-19.0-875A7B.png\n    :alt: Odoo 19.0",
    ]
    fragments = {name: folder / "readme" / f"{name}.md" for name, _title_text in SECTIONS}
    parts.append(_rst(fragments["DESCRIPTION"].read_text()))
    parts.append("**Table of contents**\n\n.. contents::\n   :local:")
    for name, heading in SECTIONS[1:]:
        if fragments[name].exists():
            parts += [_title(heading, "="), _rst(fragments[name].read_text())]
    parts += [_title("Credits", "="), _title("Authors", "-"), f"* {manifest['author']}"]
    contributors = folder / "readme" / "CONTRIBUTORS.md"
    if contributors.exists():
        parts += [_title("Contributors", "-"), _rst(contributors.read_text())]
    return "\n\n".join(parts) + "\n"


def _tables(lines):
    """``{heading: (start, end)}``: the line range of the first table under each heading of ``lines``."""
    tables, heading = {}, None
    for index, line in enumerate(lines):
        if line.startswith("#"):
            heading = line
        elif line.startswith("|") and heading and heading not in tables:
            end = index
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            tables[heading] = (index, end)
    return tables


def readme_with_tables(readme_text, tables_text):
    """``readme_text`` with the first table under each heading of ``tables_text`` replaced by that file's."""
    lines, source = readme_text.splitlines(), tables_text.splitlines()
    targets, tables = _tables(lines), _tables(source)
    missing = [heading for heading in tables if heading not in targets]
    if missing:
        sys.exit(f"README.md has no table under {', '.join(missing)} of {PERSONA_TABLES.relative_to(ROOT)}")
    # bottom up: a table of another length does not move the ones above it
    for heading in sorted(tables, key=targets.get, reverse=True):
        start, end = tables[heading]
        target_start, target_end = targets[heading]
        lines[target_start:target_end] = source[start:end]
    return "\n".join(lines) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    readme_md = ROOT / "README.md"
    targets = [(readme_md, readme_with_tables(readme_md.read_text(), PERSONA_TABLES.read_text()))]
    for addon in ADDONS:
        targets.append((ROOT / addon / "README.rst", readme(addon)))
    for target, content in targets:
        if target.exists() and target.read_text() == content:
            continue
        if check:
            stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(content)
    if stale:
        given = f"readme/*.md and {PERSONA_TABLES.relative_to(ROOT)}"
        sys.exit(f"not what {given} give (run make readme): {', '.join(stale)}")


if __name__ == "__main__":
    main()
