import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.api import SUPERUSER_ID
from odoo.exceptions import ConcurrencyError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..engine import dunning, interest, jurisdictions, levels
from ..tools import server_side

_logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock a company's dunning sender holds (the second is the company id).
DUNNING_LOCK = 0xFBD0


class FbDunningRun(models.Model):
    """A dunning run of a company on a date: draft while it is a preview, done once sent.

    Computing a run plans its reminders (one per customer) set-based; sending goes in batches, each one
    transaction under a per-company lock, so that a crash or a concurrent run never sends a level twice.

    States, and the actions that move a run between them (nothing else writes ``state``)::

        draft ──Send (at most BACKGROUND_SEND reminders)──────────────> done
        draft ──Send (more) / the daily job in "send automatically"──> sending ──the job's last batch──> done
        sending ──a batch raises──> failed ──Send──> sending or done (goes on with what is left)
        sending ──Stop sending──> draft (nothing sent yet) or failed (some sent)
        draft, sending (nothing sent yet) ──Cancel──> cancelled
        draft, failed ──Compute──> draft (a new preview of what is still to send)
    """

    _name = "fb.dunning.run"
    _description = "Dunning run"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    policy_id = fields.Many2one(
        "fb.dunning.policy",
        check_company=True,
        help="Only the customers of this policy. Empty: every customer of the company.",
    )
    origin = fields.Selection([("manual", "Manual"), ("cron", "Automatic")], default="manual", required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("sending", "Sending"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        help="Sending: the background job is sending the reminders. Failed: the job stopped on an error (see "
        "the reason); Send goes on with what is left.",
    )
    failure_reason = fields.Text(readonly=True, copy=False)
    sending_user_id = fields.Many2one(
        "res.users", "Sent by", readonly=True, copy=False, help="Who pressed Send: the background job sends as them."
    )
    reminder_ids = fields.One2many("fb.dunning.reminder", "run_id", string="Reminders")
    line_ids = fields.One2many("fb.dunning.line", "run_id", string="Lines")
    skip_ids = fields.One2many("fb.dunning.skip", "run_id", string="Left out")
    reminder_count = fields.Integer(compute="_compute_totals")
    sent_count = fields.Integer("Reminders sent", compute="_compute_totals")
    failed_count = fields.Integer("Reminders failed", compute="_compute_totals")
    to_send_count = fields.Integer("To send", compute="_compute_totals")
    progress = fields.Float(compute="_compute_totals", help="Share of the reminders sent, failed or dropped.")
    amount_due = fields.Monetary("Total due", compute="_compute_totals", currency_field="currency_id")
    amount_charges = fields.Monetary("Fees and interest", compute="_compute_totals", currency_field="currency_id")

    _company_date_idx = models.Index("(company_id, date)")

    # Written by the run's actions and jobs only (see tools/server_side.py); what a user may set on a draft run.
    MANAGED_FIELDS = (
        "name",
        "state",
        "origin",
        "failure_reason",
        "sending_user_id",
        "reminder_ids",
        "line_ids",
        "skip_ids",
    )
    DRAFT_FIELDS = ("date", "policy_id", "company_id")

    # Reminders sent per transaction by the jobs, and the size from which a user's Send goes to the background.
    SEND_BATCH = 100
    BACKGROUND_SEND = 20

    @api.depends("reminder_ids.state", "reminder_ids.amount_total", "reminder_ids.amount_charges")
    def _compute_totals(self):
        groups = self.env["fb.dunning.reminder"]._read_group(
            [("run_id", "in", self.ids)],
            ["run_id", "state"],
            ["__count", "amount_total:sum", "amount_charges:sum"],
        )
        totals = {}
        for run, state, count, total, charges in groups:
            run_totals = totals.setdefault(run, {"count": 0, "due": 0.0, "charges": 0.0})
            run_totals[state] = count
            if state != "cancelled":
                run_totals["count"] += count
                run_totals["due"] += total
                run_totals["charges"] += charges
        for run in self:
            run_totals = totals.get(run, {})
            run.reminder_count = run_totals.get("count", 0)
            run.sent_count = run_totals.get("sent", 0)
            run.failed_count = run_totals.get("failed", 0)
            run.to_send_count = run_totals.get("draft", 0)
            planned = run.reminder_count + run_totals.get("cancelled", 0)
            run.progress = 100.0 * (planned - run.to_send_count) / planned if planned else 0.0
            run.amount_due = run_totals.get("due", 0.0)
            run.amount_charges = run_totals.get("charges", 0.0)

    @api.model_create_multi
    def create(self, vals_list):
        server_side.check_managed_create(
            self, vals_list, self.MANAGED_FIELDS, {"name": "/", "state": "draft", "origin": "manual"}
        )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("fb.dunning.run") or "/"
        return super().create(vals_list)

    def write(self, vals):
        """A run's state and sender change through its actions only, and its date and policy while it is a
        preview that sent nothing: the reminders' history hangs on them."""
        if not self.env.su:
            server_side.check_managed_write(self, vals, self.MANAGED_FIELDS)
            if set(vals) & set(self.DRAFT_FIELDS) and any(run.state != "draft" or run._has_history() for run in self):
                self.check_access("write")
                raise UserError(self.env._("Only the date and policy of a run that sent nothing can be changed."))
        return super().write(vals)

    def _has_history(self):
        self.ensure_one()
        return any(reminder._is_history() for reminder in self.reminder_ids)

    @api.constrains("date", "company_id", "state")
    def _check_date_after_last_run(self):
        for run in self.filtered(lambda r: r.state not in ("cancelled", "failed")):
            last = run._last_done_date()
            if last and run.date < last:
                raise ValidationError(
                    self.env._(
                        "A dunning run of %(company)s was already completed on %(last)s: a new run cannot be dated "
                        "before it (%(date)s).",
                        company=run.company_id.name,
                        last=format_date(self.env, last),
                        date=format_date(self.env, run.date),
                    )
                )

    def _last_done_date(self):
        [(last,)] = self._read_group(
            [("company_id", "=", self.company_id.id), ("state", "=", "done"), ("id", "!=", self.id)], [], ["date:max"]
        )
        return last or None

    # ------------------------------------------------------------------ computing

    def action_compute(self):
        """(Re)compute the preview of draft runs: nothing is sent."""
        self.check_access("write")
        for run in self:
            if run.state not in ("draft", "failed"):
                raise UserError(self.env._("Only a draft run can be computed again."))
            run.sudo().write({"state": "draft", "failure_reason": False})
            run._check_date_after_last_run()
            run.reminder_ids.filtered(lambda r: r.state == "draft").unlink()
            run.skip_ids.unlink()
            run._create_reminders()
        return True

    def _create_reminders(self):
        """Plan the run with the engine on data read set-based, then create its reminders and lines, and the
        customers left out with the engine's reason."""
        self.ensure_one()
        sources = self._overdue_sources()
        partners = self.env["res.partner"].browse({source.partner_id for source in sources.values()})
        partners = partners.with_company(self.company_id)  # "no dunning", policy, reply: of the run's company
        policy_of = self._policies_of(partners)
        sources = {key: source for key, source in sources.items() if source.partner_id in policy_of}
        if not sources:
            return self.env["fb.dunning.reminder"]
        partners = partners.filtered(lambda p: p.id in policy_of)
        rules = {policy: policy._rules() for policy in set(policy_of.values()) if policy}
        sent_days = self._level_days_sent(
            {key: source for key, source in sources.items() if not source.hold and policy_of[source.partner_id]}
        )
        plan_items = []
        for key, source in sources.items():
            last_sent = None
            if key in sent_days:
                last_sent = levels.level_at(sent_days[key], rules[policy_of[source.partner_id]].level_days)
            plan_items.append(
                dunning.Item(key, source.partner_id, source.date_due, source.residual, last_sent, source.hold)
            )
        customers = {
            partner.id: dunning.Customer(
                no_dunning=partner.fb_no_dunning,
                has_policy=bool(policy_of[partner.id]),
                replied_on=partner.sudo().fb_replied_date or None,
            )
            for partner in partners
        }
        plans, skipped = dunning.plan_run(
            plan_items,
            self._accounts_of(partners),
            lambda partner_id: rules[policy_of[partner_id]],
            self.date,
            customers,
        )
        items_of = defaultdict(list)
        for item in plan_items:
            items_of[item.partner].append(item)
        self.env["fb.dunning.skip"].sudo().create(
            [
                {
                    "run_id": self.id,
                    "partner_id": partner,
                    "reason": reason,
                    "amount_overdue": dunning.left_out_amount(items_of[partner], self.date),
                    "date": customers[partner].replied_on if reason == dunning.SKIP_WAITING else False,
                }
                for partner, reason in skipped.items()
            ]
        )
        return self._create_reminders_from_plans(plans, policy_of, sources)

    def _overdue_sources(self):
        """``{key: OverdueSource}``: the overdue receivable items of the run, each with its hold, and the missed
        instalments of the running payment plans (whose invoices are held)."""
        items = (
            self.env["account.move.line"]
            .with_company(self.company_id)
            .search_fetch(
                self._items_domain(),
                [
                    "partner_id",
                    "move_id",
                    "date",
                    "date_maturity",
                    "amount_residual",
                    "amount_residual_currency",
                    "currency_id",
                    "no_followup",
                ],
            )
        )
        holds = self._item_holds(items)
        sources = {
            ("aml", item.id): dunning.OverdueSource(
                item.partner_id.commercial_partner_id.id,
                item.date_maturity or item.date,  # the overdue rule's due date of an entry without one
                item.amount_residual,
                item.amount_residual_currency,
                item.currency_id,
                item.move_id,
                {"move_line_id": item.id},
                holds[item.id],
            )
            for item in items
        }
        plans = self.env["fb.payment.plan"].search([("company_id", "=", self.company_id.id), ("state", "=", "active")])
        plans._update_instalments()
        for instalment in plans.line_ids.filtered(lambda line: line.state != "paid" and line.date_due < self.date):
            sources[("plan", instalment.id)] = dunning.OverdueSource(
                instalment.plan_id.partner_id.commercial_partner_id.id,
                instalment.date_due,
                instalment.amount_residual,
                instalment.amount_residual,
                instalment.currency_id,
                None,
                {"plan_line_id": instalment.id},
            )
        return sources

    def _items_domain(self):
        """The receivable items of the run: ``fb.receivable``'s overdue items of a customer at the run date, and
        those falling due within the widest pre-due window of the run's policies (those the run may not remind are
        held, see ``_item_holds``)."""
        window = self._pre_due_window()
        as_of = self.date + timedelta(days=window + 1) if window else self.date
        return self.env["fb.receivable"]._overdue_items_domain(as_of, self.company_id) & Domain(
            "partner_id", "!=", False
        )

    def _pre_due_window(self):
        """How many days before their due date the run's policies first remind (0: none has a pre-due level)."""
        policies = self.policy_id or self.env["fb.dunning.policy"].search([("company_id", "=", self.company_id.id)])
        return levels.pre_due_window(policies.level_ids.mapped("days"))

    def _item_holds(self, items):
        """``{item id: hold or None}`` by the engine's rule (``dunning.item_hold``), read in a few grouped queries.

        Held are what Odoo's follow-ups leave out (invoices whose payment is blocked, items flagged
        ``no_followup``, entries other than customer invoices) and what the collections workspace holds back:
        invoices under an open dispute, under an open promise to pay until its date, or in a running payment plan
        (whose instalments are reminded instead).
        """
        moves = items.move_id
        moves.fetch(["move_type", "payment_state"])
        held_moves = {
            name: set(moves.search(Domain("id", "in", moves.ids) & Domain(domain)).ids)
            for name, domain in {
                "disputed": [("fb_dispute_ids", "any", [("state", "=", "open")])],
                "promised": [("fb_promise_ids", "any", [("state", "=", "open"), ("promised_date", ">=", self.date)])],
                "payment_plan": [("fb_payment_plan_ids", "any", [("state", "=", "active")])],
            }.items()
        }
        return {
            item.id: dunning.item_hold(
                invoice=item.move_id.move_type == "out_invoice",
                payment_blocked=item.move_id.payment_state == "blocked",
                no_followup=item.no_followup,
                **{name: item.move_id.id in ids for name, ids in held_moves.items()},
            )
            for item in items
        }

    def _level_days_sent(self, sources):
        """``{key: threshold}`` of the highest level already sent for each source: the first of the three "already
        sent" checks, documented together above ``fb.dunning.line``'s unique indexes."""
        return self.env["fb.dunning.line"]._aggregate_by_source(
            sources, [("state", "=", "sent"), ("new_level", "=", True)], "level_days:max"
        )

    def _policies_of(self, partners):
        """``{partner id: policy}`` for the customers this run covers: the policy that applies to each (an empty
        one when none with levels does), less the customers of another policy in a run of one policy."""
        Policy = self.env["fb.dunning.policy"]
        policy_of = {}
        for partner_id, policy in Policy._for_customers(partners, self.company_id).items():
            if not policy.level_ids:
                policy = Policy
            if not self.policy_id or not policy or policy == self.policy_id:
                policy_of[partner_id] = policy
        return policy_of

    def _accounts_of(self, partners):
        """``{partner id: dunning.Account}``: net balance and open credits of each customer, in company currency."""
        Line = self.env["account.move.line"]
        domain = self.env["fb.receivable"]._open_items_domain(self.company_id) & Domain(
            "partner_id.commercial_partner_id", "in", partners.ids
        )
        net, credits = {}, {}
        for partner, amount in Line._read_group(domain, ["partner_id"], ["amount_residual:sum"]):
            key = partner.commercial_partner_id.id
            net[key] = net.get(key, 0.0) + amount
        for partner, amount in Line._read_group(
            domain & Domain("amount_residual", "<", 0), ["partner_id"], ["amount_residual:sum"]
        ):
            key = partner.commercial_partner_id.id
            credits[key] = credits.get(key, 0.0) + amount
        last_reminder, last_note = self.env["fb.dunning.reminder"]._last_sent_dates(partners, self.company_id)
        return {
            partner.id: dunning.Account(
                net.get(partner.id, 0.0),
                credits.get(partner.id, 0.0),
                last_reminder.get(partner),
                last_note.get(partner),
            )
            for partner in partners
        }

    def _create_reminders_from_plans(self, plans, policy_of, sources):
        levels_of = {policy: policy._levels_in_order() for policy in policy_of.values() if policy}
        fees_booked = self._fees_booked_on_failed({plan.partner for plan in plans})
        charges = self._charges_of(
            [
                dunning.ChargeItem(planned.item.key, policy_of[plan.partner], sources[planned.item.key])
                for plan in plans
                if levels_of[policy_of[plan.partner]][plan.level].charge_interest
                for planned in plan.items
            ]
        )
        currency = self.company_id.currency_id
        vals_list, lines_of = [], []
        for plan in plans:
            policy = policy_of[plan.partner]
            level_records = levels_of[policy]
            level = level_records[plan.level]
            line_vals = []
            for planned in plan.items:
                source = sources[planned.item.key]
                reached = level_records[planned.level] if planned.level is not None else None
                item_interest, compensation = charges.get(planned.item.key, (0.0, 0.0))
                line_vals.append(
                    {
                        **source.link,
                        "partner_id": plan.partner,
                        "move_id": source.move.id if source.move else None,
                        "date_maturity": source.date_due,
                        "level_id": reached.id if reached else None,
                        "level_days": reached.days if reached else 0,
                        "new_level": planned.new_level,
                        "days_overdue": planned.days_overdue,
                        "amount_residual": source.residual,
                        "amount_residual_currency": source.residual_currency,
                        "line_currency_id": source.currency.id,
                        "interest": item_interest,
                        "compensation": compensation,
                    }
                )
            lines_of.append(line_vals)
            # the items this reminder brings to its level: all raised there by a bounced reminder that booked the fee
            raised = {planned.item.key for planned in plan.items if planned.new_level and planned.level == plan.level}
            fee_booked = bool(raised) and raised <= fees_booked.get((plan.partner, level.id), set())
            vals_list.append(
                {
                    "run_id": self.id,
                    "partner_id": plan.partner,
                    "policy_id": policy.id,
                    "level_id": level.id,
                    "amount_overdue": plan.overdue,
                    "amount_upcoming": plan.upcoming,
                    "amount_credits": plan.credits,
                    "amount_fee": 0.0 if fee_booked else level._fee_for(plan.amount_due),
                    "amount_interest": currency.round(sum(vals["interest"] for vals in line_vals)),
                    "amount_compensation": currency.round(sum(vals["compensation"] for vals in line_vals)),
                }
            )
        # A planned reminder is not a conversation: no creation note and no follower on each of the thousands
        # of them (its e-mail lands in its chatter when it is sent).
        reminders = self.env["fb.dunning.reminder"].sudo().with_context(tracking_disable=True).create(vals_list)
        reminders = reminders.with_env(self.env)
        for reminder, line_vals in zip(reminders, lines_of, strict=True):
            for vals in line_vals:
                vals["reminder_id"] = reminder.id
        self.env["fb.dunning.line"]._insert_run_lines(self, [vals for line_vals in lines_of for vals in line_vals])
        return reminders

    def _fees_booked_on_failed(self, partner_ids):
        """``{(partner id, level id): source keys}`` raised by failed reminders whose charges invoice booked the
        level's fee: when their e-mail bounced, the next run raises the same items again, and a reminder that
        raises nothing else does not charge the fee a second time."""
        booked = defaultdict(set)
        failed = self.env["fb.dunning.reminder"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("partner_id", "in", list(partner_ids)),
                ("state", "=", "failed"),
                ("amount_fee", ">", 0),
                ("charge_move_id.state", "in", ("draft", "posted")),
            ]
        )
        for reminder in failed:
            booked[reminder.partner_id.id, reminder.level_id.id] |= {
                line._source_key() for line in reminder.line_ids if line.new_level
            }
        return booked

    def _charges_of(self, items, exclude=None):
        """``{key: (interest, compensation)}`` still to charge on ``items`` (``dunning.ChargeItem``) at the run date, by
        the engine's rule (``interest.charges_due``) on what the customer was already charged: lines sent or
        booked, other than the lines ``exclude``. Computing a run and sending it both ask, so that two
        overlapping runs charge nothing twice."""
        if not items:
            return {}
        Line = self.env["fb.dunning.line"]
        move_ids = [item.source.move.id for item in items if item.source.move]
        charges_invoices = {
            move.id
            for [move] in self.env["fb.dunning.reminder"]._read_group(
                [("charge_move_id", "in", move_ids)], ["charge_move_id"]
            )
        }
        charged_lines = Line._charged_domain()
        if exclude:
            charged_lines &= Domain("id", "not in", exclude.ids)
        charged = Line._aggregate_by_source([item.key for item in items], charged_lines, "interest:sum")
        compensated = [
            move.id
            for [move] in Line._read_group(
                charged_lines & Domain("move_id", "in", move_ids) & Domain("compensation", ">", 0), ["move_id"]
            )
        ]
        company_currency = self.company_id.currency_id
        eur = self.env.ref(f"base.{jurisdictions.STATUTE_CURRENCY}")
        policies = {item.policy for item in items}
        if jurisdictions.compensation_needs_rate(company_currency.name, [p.compensation_amount for p in policies]):
            self._check_rate(eur)
        compensation_of = {
            policy: eur._convert(policy.compensation_amount, company_currency, self.company_id, self.date)
            for policy in policies
        }
        chargeables = [
            interest.Chargeable(
                key=item.key,
                residual=item.source.residual,
                due_date=item.source.date_due,
                invoice=item.source.move.id if item.source.move else None,
                already_charged=charged.get(item.key, 0.0),
                margin=item.policy.interest_margin,
                compensation=compensation_of[item.policy],
                charges_invoice=bool(item.source.move) and item.source.move.id in charges_invoices,
            )
            for item in items
        ]
        rates = self.env["fb.interest.rate"]._rates_by_half_year(self.company_id)
        try:
            due = interest.charges_due(chargeables, self.date, rates, compensated, company_currency.rounding)
        except interest.MissingRateError as error:
            raise UserError(
                self.env._(
                    "No late-payment reference rate for the half-year starting %(start)s in %(company)s: "
                    "add it in Back Office / Configuration / Interest rates.",
                    start=format_date(self.env, error.period_start),
                    company=self.company_id.name,
                )
            ) from error
        return {key: (float(owed), float(compensation)) for key, (owed, compensation) in due.items()}

    def _check_rate(self, currency):
        """Refuse the run without a rate of ``currency`` at its date, to convert the compensation (see
        ``jurisdictions.compensation_needs_rate``); a company's own currency needs none."""
        company_currency = self.company_id.currency_id
        if currency == company_currency:
            return
        rate = self.env["res.currency.rate"].search_count(
            [
                ("currency_id", "=", currency.id),
                ("name", "<=", self.date),
                ("company_id", "in", (self.company_id.root_id.id, False)),
            ]
        )
        if not rate:
            raise UserError(
                self.env._(
                    "No exchange rate of %(currency)s on or before %(date)s to convert the late-payment "
                    "compensation into %(company_currency)s: add one in Accounting / Configuration / Currencies.",
                    currency=currency.name,
                    date=format_date(self.env, self.date),
                    company_currency=company_currency.name,
                )
            )

    # ------------------------------------------------------------------ sending

    def action_send(self):
        """Send the reminders of a draft run (or go on with a failed one) and mark it done.

        A run of more than ``BACKGROUND_SEND`` reminders is handed to the background job: at about a second per
        letter, a few hundred would outlast the HTTP request. A run already being sent is left alone.
        """
        self.check_access("write")
        today = fields.Date.context_today(self)
        for run in self:
            if run.state == "sending":
                continue
            if run.state not in ("draft", "failed"):
                raise UserError(self.env._("Run %s was already sent or cancelled.", run.name))
            if run.date > today:
                raise UserError(
                    self.env._(
                        "Run %(run)s is dated %(date)s: it can be sent from that day.",
                        run=run.name,
                        date=format_date(self.env, run.date),
                    )
                )
            run._check_date_after_last_run()
            if not run.reminder_ids:
                run._create_reminders()
            run._send_now_or_later()
        return True

    def action_retry_failed(self):
        """Send again the reminders that failed (their e-mail bounced or could not be rendered)."""
        self.check_access("write")
        for run in self:
            if run.state == "sending":
                continue
            run.reminder_ids.filtered(lambda r: r.state == "failed")._reset_to_draft()
            run._send_now_or_later()
        return True

    def action_cancel(self):
        """Cancel a run that sent nothing, one handed to the background job included (the job leaves it)."""
        self.check_access("write")
        for run in self:
            if run.state == "done" or run._has_history():
                raise UserError(self.env._("Run %s was sent: it cannot be cancelled.", run.name))
            run.reminder_ids.filtered(lambda r: r.state == "draft")._set_state("cancelled")
        self.sudo().write({"state": "cancelled", "failure_reason": False})
        return True

    def action_stop_sending(self):
        """Take back a run handed to the background job (its sender left, or it must wait): a preview again if
        nothing went out yet, else failed with who stopped it. Send goes on from there, as whoever presses it."""
        self.check_access("write")
        for run in self.filtered(lambda r: r.state == "sending"):
            if run._has_history():
                run._record_failure(UserError(self.env._("Sending stopped by %s", self.env.user.name)))
            else:
                run.sudo().write({"state": "draft", "sending_user_id": False, "failure_reason": False})
        return True

    def unlink(self):
        """Refuse before ``mail.thread`` deletes the chatter: its messages are the sent e-mails the history points
        to (the check below is Odoo's, which runs only after that)."""
        if not self.env.context.get(MODULE_UNINSTALL_FLAG):
            self._unlink_except_sent()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for run in self:
            if run.state in ("done", "sending") or run._has_history():
                raise UserError(
                    self.env._(
                        "Run %s sent reminders to customers: it is part of their history and cannot be deleted.",
                        run.name,
                    )
                )

    def _send_now_or_later(self):
        self.ensure_one()
        pending = self.env["fb.dunning.reminder"].search_count([("run_id", "=", self.id), ("state", "=", "draft")])
        if pending <= self.BACKGROUND_SEND:
            self._send_pending()
            return
        # the sender is who pressed Send, recorded here: the job sends as them while they may
        self.sudo().write({"state": "sending", "sending_user_id": self.env.uid, "failure_reason": False})
        self.env.ref("founder_backoffice.ir_cron_fb_dunning_send").sudo()._trigger()

    def _send_pending(self, commit=False, remaining=None):
        """Send the draft reminders in batches of ``SEND_BATCH`` and mark the run done.

        Each batch is sent under the company's dunning lock, from a snapshot that includes what the company's
        other senders committed (``_check_no_newer_sends``). In a cron (``commit``) each batch is its own
        transaction, whose first statement takes the lock, reported with the job's ``remaining()`` work; a batch
        that raises is rolled back and fails the run (with the reason) instead of the job, and a company another
        worker is sending is left to a later call. Returns False when the job's time is up: its next call goes
        on. Without ``commit`` (a user's Send of a small run) an error or a busy company is the user's error.
        """
        self.ensure_one()
        if not commit:
            return self._send_in_request()
        run = self.sudo()  # read as the job: whether the sender may still send is checked under the lock
        company_id, state = run.company_id.id, run.state
        Cron = self.env["ir.cron"]
        Cron._commit_progress()  # each send step below starts a transaction
        while True:
            if not self._try_lock_company(company_id):
                _logger.info("dunning of company %s is being sent by another worker", company_id)
                return True
            try:
                sent, error = self._isolated(lambda: self._send_batch(state), "dunning run %s failed", run.id)
            except ConcurrencyError:
                _logger.info("dunning run %s: another sender committed meanwhile, left to the next call", run.id)
                return True
            if error:
                self._record_failure(error)
                return bool(Cron._commit_progress(remaining=remaining()))
            if not sent:
                Cron._commit_progress(remaining=remaining())
                return True
            if not Cron._commit_progress(sent, remaining=remaining()):
                return False

    def _send_batch(self, state):
        """Under the company's lock: send the run's next batch, and close the run with its last one. Returns how
        many reminders went out, 0 when nothing is left, the run is no longer in ``state`` (stopped, cancelled)
        or its reminders are held by another transaction."""
        run = self.sudo()
        run.invalidate_recordset(["state", "sending_user_id"])
        if run.state != state:
            return 0
        if state == "sending":
            self._check_sender()
        Reminder = self.env["fb.dunning.reminder"]
        pending = Domain([("run_id", "=", self.id), ("state", "=", "draft")])
        batch = Reminder.search(pending, limit=self.SEND_BATCH, order="id")
        if batch:
            batch = batch._lock_pending()
            if not batch:
                return 0
            self._check_no_newer_sends(batch.partner_id)
            batch._send()
        if not Reminder.search_count(pending, limit=1):
            self._set_done()
        return len(batch)

    def _send_in_request(self):
        """A user's Send of a small run, in the request: a busy company is the user's error, a snapshot older than
        another sender's commit makes Odoo replay the request."""
        if not self._try_lock_company():
            raise UserError(
                self.env._(
                    "Another dunning run of %s is being sent right now. Try again in a moment.",
                    self.company_id.name,
                )
            )
        Reminder = self.env["fb.dunning.reminder"]
        pending = Domain([("run_id", "=", self.id), ("state", "=", "draft")])
        while batch := Reminder.search(pending, limit=self.SEND_BATCH, order="id"):
            batch = batch._lock_pending()
            if not batch:
                return True
            self._check_no_newer_sends(batch.partner_id)
            batch._send()
        self._set_done()
        return True

    def _check_sender(self):
        """The background job sends a run as the user who pressed Send, and only while that user may send it: an
        active collections manager of the run's company. Never as the job's own (super)user."""
        run = self.sudo()
        sender = run.sending_user_id
        if not sender or sender != self.env.user:
            raise UserError(self.env._("Nobody is recorded as having pressed Send: press Send to send the run."))
        allowed = (
            sender.active
            and run.company_id in sender.company_ids
            and sender.has_group("founder_backoffice.group_collections_manager")
        )
        if not allowed:
            raise UserError(
                self.env._(
                    "%(user)s, who pressed Send, is no longer a collections manager of %(company)s: press Send to "
                    "send the run as yourself.",
                    user=sender.name,
                    company=run.company_id.name,
                )
            )

    def _check_no_newer_sends(self, partners):
        """Under the company's lock, before sending to ``partners``: the checks of sending (levels already sent,
        days between reminders, charges) must see every commit of the company's other senders, while this
        transaction's snapshot may be older than the lock (a user's Send reads before it takes it). When a new
        transaction sees reminders sent to these customers that this one does not, the step is replayed from a
        fresh snapshot: Odoo retries the request, the job leaves it to its next call."""
        if self._sent_reminder_ids(partners, fresh=True) - self._sent_reminder_ids(partners):
            raise ConcurrencyError(f"dunning of company {self.company_id.id} was sent by another transaction")

    def _sent_reminder_ids(self, partners, fresh=False):
        """Ids of the reminders of the run's company sent to ``partners``, as this transaction sees them or, with
        ``fresh``, as a new transaction does."""
        query = SQL(
            "SELECT id FROM fb_dunning_reminder WHERE company_id = %s AND partner_id = ANY(%s) AND state = 'sent'",
            self.company_id.id,
            partners.ids,
        )
        if not fresh:
            self.env["fb.dunning.reminder"].flush_model(["company_id", "partner_id", "state"])
            return {reminder_id for [reminder_id] in self.env.execute_query(query)}
        with self.env.registry.cursor() as cr:
            cr.execute(query)
            return {reminder_id for [reminder_id] in cr.fetchall()}

    @api.model
    def _isolated(self, function, message, *args):
        """``server_side.isolated`` with this module's log: one company's failure does not stop the others."""
        return server_side.isolated(self.env, _logger, function, message, *args)

    def _set_done(self):
        if self.state != "done":
            self.sudo().write({"state": "done", "failure_reason": False})

    def _record_failure(self, error):
        """What the founder sees of a run the job could not finish: failed, why, and a note in its chatter.

        Recorded as superuser whatever rights the sender still has, in its own savepoint: recording cannot stop
        the job either."""
        reason = str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
        run = self.with_user(SUPERUSER_ID)

        def record():
            run.write({"state": "failed", "failure_reason": reason})
            run.message_post(
                body=self.env._("The run stopped: %s. Fix the cause, then press Send to go on.", reason),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )

        self._isolated(record, "the failure of dunning run %s could not be recorded", self.id)

    def _try_lock_company(self, company_id=None):
        """Take the company's dunning lock for this transaction: only one sender per company at a time."""
        [(locked,)] = self.env.execute_query(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", DUNNING_LOCK, company_id or self.company_id.id)
        )
        return locked

    # ------------------------------------------------------------------ cron

    @api.model
    def _cron_dunning(self):
        """Daily: for each company with daily dunning on and a working day today, prepare or send its run.

        Each call does what the job's time allows and reports what is left (runs to compute, reminders to
        send), so that Odoo calls it again until every company is done; a call goes on from the runs and
        reminders already in the database, which is why nothing is sent twice.
        """
        today = fields.Date.context_today(self)
        companies = self.env["res.company"].search([("fb_dunning_mode", "!=", "off")], order="id")
        companies = companies.filtered(lambda company: self._works_today(company, today))
        Cron = self.env["ir.cron"]

        def remaining():
            return self._work_left(companies, today)

        for company in companies:
            run = self._todays_runs(company, today)[:1]
            if not run:
                run = self._new_run(company, today)
                if not Cron._commit_progress(1, remaining=remaining()):
                    return
            sending = company.fb_dunning_mode == "send" and run.state == "draft"
            if sending and not run._send_pending(commit=True, remaining=remaining):
                return
        Cron._commit_progress(remaining=remaining())

    @api.model
    def _cron_send_queued(self):
        """Send the runs handed over by a user's Send, as that user, reporting progress like the daily job.

        A run whose sender may no longer send it (none recorded, or no longer a collections manager of its
        company) fails with the reason, recorded as superuser; the job goes on with the other runs."""
        runs = self.search([("state", "=", "sending")], order="id")

        def remaining():
            return self.env["fb.dunning.reminder"].search_count(
                [("run_id.state", "=", "sending"), ("state", "=", "draft")]
            )

        for run in runs:
            sender = run.with_user(run.sending_user_id) if run.sending_user_id else run
            if not sender.with_company(run.company_id)._send_pending(commit=True, remaining=remaining):
                return
        self.env["ir.cron"]._commit_progress(remaining=remaining())

    def _works_today(self, company, today):
        return company._fb_next_working_day(today) == today and bool(
            self.env["fb.dunning.policy"]._get_default(company)
        )

    def _todays_runs(self, companies, today):
        """The daily job's runs of ``companies`` today: a company-wide run dated today, not cancelled (one the
        founder made by hand counts too)."""
        return self.search(
            [
                ("company_id", "in", companies.ids),
                ("date", "=", today),
                ("state", "!=", "cancelled"),
                ("policy_id", "=", False),
            ]
        )

    def _new_run(self, company, today):
        """Today's run of ``company``, computed; if computing raises, a failed run saying why."""
        values = {"company_id": company.id, "date": today, "origin": "cron"}

        def compute():
            run = self.with_company(company).create(values)
            run._create_reminders()
            return run

        run, error = self._isolated(compute, "dunning run of %s could not be computed", company.name)
        if error:
            run = self.with_company(company).create(values)
            run._record_failure(error)
        return run

    def _work_left(self, companies, today):
        """What the daily job still has to do today: runs to compute, and reminders to send in "send" mode."""
        runs = self._todays_runs(companies, today)
        to_send = runs.filtered(lambda run: run.state == "draft" and run.company_id.fb_dunning_mode == "send")
        pending = dict(
            self.env["fb.dunning.reminder"]._read_group(
                [("run_id", "in", to_send.ids), ("state", "=", "draft")], ["run_id"], ["__count"]
            )
        )
        return len(companies - runs.company_id) + sum(max(pending.get(run, 0), 1) for run in to_send)
