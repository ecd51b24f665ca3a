"""Adapters between bill capture and the world around it: files, subprocesses and barcode decoding (``bill_text``).
They may do I/O; they hold no business rule (those are ``engine/``)."""
