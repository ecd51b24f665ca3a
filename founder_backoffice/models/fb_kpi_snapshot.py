from odoo import api, fields, models

from ..engine import kpi, periods

HISTORY_MONTHS = 12

# Dashboard cards: (key, format, higher is better, in the monthly history).
CARDS = [
    ("cash", "monetary", True, True),
    ("runway", "months", True, True),
    ("burn", "monetary", False, True),
    ("revenue", "monetary", True, True),
    ("net_profit", "monetary", True, True),
    ("ar_overdue", "monetary", False, True),
    ("ar_overdue_share", "percent", False, False),
    ("dso", "days", False, True),
    ("cei", "number", True, True),
    ("collected", "monetary", True, True),
    ("ap_due_30", "monetary", None, False),
    ("aov", "monetary", True, True),
    ("new_customers", "number", True, True),
    ("retention", "percent", True, True),
    ("cac", "monetary", False, True),
    ("win_rate", "percent", True, True),
    ("pipeline", "monetary", True, False),
    ("days_to_pay", "days", False, False),
    ("promises_kept", "percent", True, False),
    ("abnormal_count", "number", False, False),
]


class FbKpiSnapshot(models.Model):
    """The founder KPIs of a company for one month, stored for the history graphs, pivots and trends.

    Refreshed every night for the last twelve months and on demand; the dashboard's figures for any period are
    computed live, the stored months only draw the trend lines.
    """

    _name = "fb.kpi.snapshot"
    _description = "Founder KPI snapshot"
    _order = "company_id, month desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="First day of the month.")
    revenue = fields.Monetary(readonly=True)
    expenses = fields.Monetary(readonly=True)
    net_profit = fields.Monetary(readonly=True)
    cash = fields.Monetary(readonly=True, help="Bank, cash and cash in transit at the end of the month.")
    cash_in = fields.Monetary(readonly=True)
    cash_out = fields.Monetary(readonly=True)
    burn = fields.Monetary("Net burn", readonly=True, help="Average monthly net operating cash out, last 3 months.")
    runway = fields.Float("Runway (months)", readonly=True, digits=(16, 1))
    ar = fields.Monetary("Receivables", readonly=True)
    ar_overdue = fields.Monetary("Overdue receivables", readonly=True)
    ap = fields.Monetary("Payables", readonly=True)
    dso = fields.Float("DSO (days)", readonly=True, digits=(16, 1))
    cei = fields.Float("CEI", readonly=True, digits=(16, 1))
    collected = fields.Monetary(readonly=True)
    aov = fields.Monetary("Average invoice value", readonly=True)
    invoice_count = fields.Integer("Invoices", readonly=True)
    new_customers = fields.Integer(readonly=True)
    retention = fields.Float("Customer retention (%)", readonly=True, digits=(16, 1))
    cac = fields.Monetary("Customer acquisition cost", readonly=True)
    win_rate = fields.Float("Win rate (%)", readonly=True, digits=(16, 1))

    _company_month_unique = models.Constraint(
        "UNIQUE(company_id, month)", "There is one KPI snapshot per company and month."
    )

    @api.model
    def _values_from_kpis(self, values):
        """Snapshot field values from ``fb.kpi.compute``'s dict; ratios stored as percentages, "—" as 0."""
        stored = {}
        for name, field in self._fields.items():
            if name in values and field.type in ("monetary", "float", "integer"):
                value = values[name]
                if name in ("retention", "win_rate") and value is not None:
                    value *= 100
                stored[name] = value or 0
        return stored

    @api.model
    def _refresh(self, company, months=HISTORY_MONTHS):
        """Recompute the last ``months`` months of ``company`` (the current one so far included)."""
        today = fields.Date.context_today(self)
        starts = periods.month_starts(periods.add_months(today.replace(day=1), 1 - months), today)
        existing = {
            snap.month: snap for snap in self.search([("company_id", "=", company.id), ("month", "in", starts)])
        }
        Kpi = self.env["fb.kpi"]
        for start in starts:
            values = self._values_from_kpis(Kpi.compute(company, start, periods.month_end(start)))
            if start in existing:
                existing[start].write(values)
            else:
                self.create({"company_id": company.id, "month": start, **values})

    def action_refresh(self):
        self.check_access("write")
        self._refresh(self.env.company)
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _cron_refresh(self):
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            self.with_company(company)._refresh(company)
            self.env["ir.cron"]._commit_progress(1)

    # ------------------------------------------------------------------ dashboard

    @api.model
    @api.readonly
    def get_dashboard(self, period="this_month", company_id=None):
        """All the dashboard cards in one call: value, previous period, delta, trend and where a click goes."""
        self.check_access("read")
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        if company not in self.env.user.company_ids:
            company = self.env.company
        snapshots = self.with_company(company)
        today = fields.Date.context_today(snapshots)
        date_from, date_to = periods.period_bounds(period, today)
        previous_from, previous_to = periods.previous_period(date_from, date_to)
        Kpi = snapshots.env["fb.kpi"]
        current = Kpi.compute(company, date_from, date_to)
        previous = Kpi.compute(company, previous_from, previous_to)
        history = snapshots.search_read(
            [("company_id", "=", company.id)],
            [key for key, *_rest in self._dashboard_cards() if key in self._fields],
            order="month desc",
            limit=HISTORY_MONTHS,
        )[::-1]  # the latest twelve months, oldest first
        labels = self._card_labels()
        cards = []
        for key, fmt, higher_is_better, trend in self._dashboard_cards():
            value, before = current.get(key), previous.get(key)
            difference, relative = kpi.delta(value, before)
            cards.append(
                {
                    "key": key,
                    "label": labels[key][0],
                    "help": labels[key][1],
                    "format": fmt,
                    "value": value,
                    "previous": before,
                    "delta": difference,
                    "delta_relative": relative,
                    "good": kpi.trend_is_good(value, before, higher_is_better)
                    if higher_is_better is not None
                    else None,
                    "trend": [row[key] for row in history] if trend else [],
                    "empty_label": self._empty_label(key, current),
                }
            )
        return {
            "company": {"id": company.id, "name": company.name},
            "companies": [{"id": c.id, "name": c.name} for c in self.env.user.company_ids],
            "currency_id": company.currency_id.id,
            "period": period,
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(current["date_to"]),
            "cards": cards,
            "reminders_by_level": current["reminders_by_level"],
        }

    @api.model
    def _dashboard_cards(self):
        """``[(key, format, higher is better, has a trend)]``: bridge modules add their cards."""
        return list(CARDS)

    def _empty_label(self, key, values):
        """What a card shows instead of "—" when the value is undefined for a known reason."""
        if key == "runway" and (values.get("burn") or 0) <= 0:
            return self.env._("Not burning")
        if key == "cac" and not values.get("marketing_set"):
            return self.env._("Set up marketing accounts")
        return "—"

    def _card_labels(self):
        _ = self.env._
        return {
            "cash": (_("Cash"), _("Bank, cash and payments in transit at the end of the period.")),
            "runway": (_("Runway"), _("Months of cash left at the current net burn.")),
            "burn": (_("Net burn"), _("Average monthly operating cash out over the last 3 months.")),
            "revenue": (_("Revenue"), _("Income of posted invoices and entries, net of credit notes.")),
            "net_profit": (_("Net profit"), _("Revenue minus expenses.")),
            "ar_overdue": (_("Overdue receivables"), _("What customers owe past the due date.")),
            "ar_overdue_share": (_("Overdue share"), _("Part of the receivables that is overdue.")),
            "dso": (_("DSO"), _("Days sales outstanding: receivables / credit sales x days.")),
            "cei": (_("CEI"), _("Collection effectiveness index: 100 means everything collectible was collected.")),
            "collected": (_("Collected"), _("Payments received from customers.")),
            "ap_due_30": (_("Bills due in 30 days"), _("Vendor bills to pay in the next 30 days.")),
            "aov": (_("Average invoice"), _("Untaxed revenue / number of customer invoices.")),
            "new_customers": (_("New customers"), _("Customers invoiced for the first time.")),
            "retention": (_("Customer retention"), _("Customers of the previous period invoiced again.")),
            "cac": (_("Acquisition cost"), _("Marketing spend / new customers.")),
            "win_rate": (_("Win rate"), _("Won / (won + lost) opportunities closed in the period.")),
            "pipeline": (_("Open pipeline"), _("Expected revenue of the open opportunities.")),
            "days_to_pay": (_("Days to pay"), _("Average days from invoice to payment.")),
            "promises_kept": (_("Promises kept"), _("Promises to pay kept / (kept + broken).")),
            "abnormal_count": (_("Abnormally late invoices"), _("Invoices later than their customer usually is.")),
        }

    @api.model
    def get_card_action(self, key, company_id=None):
        """The records behind a card."""
        self.check_access("read")
        company = self.env["res.company"].browse(company_id) if company_id else self.env.company
        today = fields.Date.context_today(self)
        if key in ("ar_overdue", "ar_overdue_share", "dso", "cei", "abnormal_count", "days_to_pay"):
            action = self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_overdue_invoices")
            action["domain"] = [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", fields.Date.to_string(today)),
            ]
            action["context"] = {}
            return action
        if key in ("pipeline", "win_rate"):
            return self.env["ir.actions.act_window"]._for_xml_id("crm.crm_lead_action_pipeline")
        if key in ("collected", "promises_kept"):
            return self.env["ir.actions.act_window"]._for_xml_id("account.action_account_payments")
        if key == "ap_due_30":
            return self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        if key in ("new_customers", "retention", "cac"):
            return self.env["ir.actions.act_window"]._for_xml_id("account.res_partner_action_customer")
        if key in ("revenue", "net_profit", "aov"):
            return self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        return self.env["ir.actions.act_window"]._for_xml_id("founder_backoffice.action_fb_kpi_snapshot")
