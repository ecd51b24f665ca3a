"""Pure-Python core of bill capture: no import of ``odoo`` anywhere in this package. ``bill_reader`` reads a bill's
text, ``bill_codes`` the QR codes printed on it; both are testable with plain pytest (the repository's ``tests/``).
"""
