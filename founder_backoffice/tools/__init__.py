"""Adapters between the add-on and the world around it: the type of a customer's upload (``upload_type``), workbooks
(``xlsx``), sentences in the reader's language (``text``), the server-side rules of writes and jobs
(``server_side``). They may do I/O and call Odoo; they hold no business rule (those are ``engine/``)."""
