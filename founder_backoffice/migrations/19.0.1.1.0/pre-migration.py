"""Collections settings become per company (company-dependent, stored as JSONB keyed by company id).

The ORM cannot cast a boolean or an integer column to JSONB: before it converts them, the plain columns are kept
under another name; post-migration gives each value to the companies that used it, then drops them.
The vendors' learned bill layouts become per company too; the global ones are dropped (relearned from the next
posted bills): their keys would be read as company ids.
"""

from odoo.tools import sql

COLUMNS = (
    "fb_credit_hold",
    "fb_credit_hold_reason",
    "fb_credit_hold_date",
    "fb_no_dunning",
    "fb_collector_id",
    "fb_collection_stage_id",
)
SAVED_SUFFIX = "_before_19_0_1_1"  # post-migration finds the kept columns by it


def migrate(cr, version):
    columns = sql.table_columns(cr, "res_partner")
    for column in COLUMNS:
        if column in columns and columns[column]["udt_name"] != "jsonb":
            sql.rename_column(cr, "res_partner", column, column + SAVED_SUFFIX)
    if "fb_bill_layout" in columns:
        cr.execute("UPDATE res_partner SET fb_bill_layout = NULL WHERE fb_bill_layout IS NOT NULL")
