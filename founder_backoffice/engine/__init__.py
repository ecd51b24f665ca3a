"""Pure-Python core of the add-on: no import of ``odoo`` anywhere in this package.

The ORM layer feeds it plain values (dates, amounts, sequences) read set-based from the database and
writes its results back; everything here is testable with plain pytest (see the top-level ``tests/``).
"""
