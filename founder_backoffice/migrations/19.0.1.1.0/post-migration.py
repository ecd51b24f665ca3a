"""Give each customer's former collections settings to the companies that used them (see pre-migration).

A customer of one company keeps its values in that company. A shared customer keeps them in every company where
it has customer invoices or payment reminders, else in every company (the values were global until now).
"""

from odoo.tools import SQL, sql

SAVED_SUFFIX = "_before_19_0_1_1"  # as in pre-migration
OLD_FOREIGN_KEYS = ("res_partner_fb_collector_id_fkey", "res_partner_fb_collection_stage_id_fkey")


def migrate(cr, version):
    spread_to_companies(cr)


def spread_to_companies(cr):
    """Write each kept value in the company-dependent column of its name, for the companies that used it, then
    drop the kept columns. Values already set per company (by the upgrade itself) win."""
    saved = [name for name in sql.table_columns(cr, "res_partner") if name.endswith(SAVED_SUFFIX)]
    if not saved:
        return
    # a value worth keeping: set, and not False (False is what an unset company-dependent value reads as)
    kept = SQL(" OR ").join(
        SQL("(%s IS NOT NULL AND to_jsonb(%s) <> 'false'::jsonb)", SQL.identifier(name), SQL.identifier(name))
        for name in saved
    )
    cr.execute(
        SQL(
            """
            CREATE TEMPORARY TABLE fb_settings_company AS
            WITH kept AS (
                SELECT id, company_id, COALESCE(commercial_partner_id, id) AS commercial_id
                  FROM res_partner WHERE %(kept)s
            ), used AS (
                SELECT commercial_partner_id AS partner_id, company_id FROM account_move
                 WHERE move_type IN ('out_invoice', 'out_refund', 'out_receipt') AND commercial_partner_id IS NOT NULL
                 UNION
                SELECT partner_id, company_id FROM fb_dunning_reminder
            )
            SELECT id AS partner_id, company_id FROM kept WHERE company_id IS NOT NULL
             UNION
            SELECT kept.id, used.company_id FROM kept JOIN used ON used.partner_id = kept.commercial_id
             WHERE kept.company_id IS NULL
             UNION
            SELECT kept.id, company.id FROM kept CROSS JOIN res_company company
             WHERE kept.company_id IS NULL AND NOT EXISTS (SELECT FROM used WHERE used.partner_id = kept.commercial_id)
            """,
            kept=kept,
        )
    )
    for name in saved:
        column = SQL.identifier(name.removesuffix(SAVED_SUFFIX))
        cr.execute(
            SQL(
                """
                UPDATE res_partner partner
                   SET %(column)s = spread.value || COALESCE(partner.%(column)s, '{}'::jsonb)
                  FROM (SELECT target.partner_id,
                               jsonb_object_agg(target.company_id::text, to_jsonb(old.%(saved)s)) AS value
                          FROM fb_settings_company target JOIN res_partner old ON old.id = target.partner_id
                         WHERE old.%(saved)s IS NOT NULL AND to_jsonb(old.%(saved)s) <> 'false'::jsonb
                         GROUP BY target.partner_id) spread
                 WHERE partner.id = spread.partner_id
                """,
                column=column,
                saved=SQL.identifier(name),
            )
        )
    cr.execute("DROP TABLE fb_settings_company")
    for name in saved:
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(name)))
    cr.execute(SQL("DELETE FROM ir_model_constraint WHERE type = 'f' AND name IN %s", OLD_FOREIGN_KEYS))
