"""Bill capture moves to an add-on of its own (founder_backoffice_bill_capture): the bills' reading fields and the
vendors' learned layouts are handed to it, data kept.

At the end of an update Odoo deletes the fields an updated module no longer defines, and drops their columns, unless
another module's external id names the field too. The fields' external ids are given to the new add-on here, before
Back Office is updated: the columns stay with their data (the learned layouts, the text of bills read, files still
waiting to be read) whether or not bill capture is installed yet, and installing it later takes them as they are
(same names, same types). The reading job of Back Office goes with the update; bill capture has its own.
"""

NEW_MODULE = "founder_backoffice_bill_capture"
FIELDS = {
    "account_move": (
        "fb_bill_text",
        "fb_bill_reading",
        "fb_bill_file",
        "fb_bill_file_name",
        "fb_bill_read_attempts",
        "fb_bill_check",
    ),
    "res_partner": ("fb_bill_layout",),
    "res_users": ("fb_bill_layout",),  # a user's partner's, inherited
}


def migrate(cr, version):
    names = [f"field_{model}__{field}" for model, fields in FIELDS.items() for field in fields]
    # where the new add-on already names a field (installed first), Back Office's name goes; elsewhere it is handed over
    cr.execute(
        """DELETE FROM ir_model_data old
            WHERE old.module = 'founder_backoffice' AND old.model = 'ir.model.fields' AND old.name = ANY(%s)
              AND EXISTS (SELECT 1 FROM ir_model_data new WHERE new.module = %s AND new.name = old.name)""",
        [names, NEW_MODULE],
    )
    cr.execute(
        """UPDATE ir_model_data SET module = %s
            WHERE module = 'founder_backoffice' AND model = 'ir.model.fields' AND name = ANY(%s)""",
        [NEW_MODULE, names],
    )
