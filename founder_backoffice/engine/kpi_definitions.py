"""The founder KPIs, declared once as data: the registry that the KPI computation, the snapshot columns, the
dashboard's cards and charts, the digest and the tests all read.

Each ``KpiDefinition`` names a value of ``fb.kpi.compute`` (which returns exactly the registry's keys), labels and
explains it (the snapshot column's string and help, translated as such), says how it is shown and where a click on
its card leads. A bridge add-on adds its own definitions to the registry by extending ``fb.kpi.snapshot._kpis``
(and declaring a snapshot column for each, see ``models/fb_kpi_snapshot.kpi_field``); ``registry`` checks that no
key is declared twice.
"""

from dataclasses import dataclass

from . import aging

# How a card shows its value; a "percent" KPI is a fraction, stored as a percentage for the history's graphs.
FORMATS = ("monetary", "percent", "days", "months", "index", "count")
# What a card's figure covers: the period, its last day, or the 3 months to its last day.
SPANS = ("period", "end", "three_months")
# A card whose records are the overdue invoices of the company (an action built per company, not an XML id).
OVERDUE_INVOICES = "overdue_invoices"
HISTORY = "founder_backoffice.action_fb_kpi_snapshot"


@dataclass(frozen=True)
class KpiDefinition:
    """A founder KPI: its key in ``fb.kpi.compute``'s values, its label and help, its format, whether a rise is
    good news (None: neither way, no colour on the change), whether it has a card (else it only feeds the history's
    charts), what its figure covers and the action a click opens (an XML id, or ``OVERDUE_INVOICES``).
    ``min_days``: a ratio that a short window says nothing of (a day's sales against the receivables) is taken over
    at least that many days to the window's end, and ``window_label`` says so where windows are short (the digest)."""

    key: str
    label: str
    help: str
    format: str
    higher_is_better: bool | None = None
    card: bool = True
    span: str = "period"
    action: str = HISTORY
    min_days: int | None = None

    def __post_init__(self):
        if self.format not in FORMATS:
            raise ValueError(f"KPI {self.key}: unknown format {self.format!r}, expected one of {FORMATS}")
        if self.span not in SPANS:
            raise ValueError(f"KPI {self.key}: unknown span {self.span!r}, expected one of {SPANS}")

    @property
    def window_label(self):
        return f"{self.label}, last {self.min_days} days" if self.min_days else self.label

    def stored(self, value):
        """``value`` as stored and shown outside the dashboard (snapshot, digest): a percent KPI as a percentage;
        undefined stays undefined (``None``), never a made-up 0."""
        if value is None:
            return None
        return value * 100 if self.format == "percent" else value


def _aging_definitions(limits=aging.DEFAULT_LIMITS):
    """The receivables of the aging layout (``engine.aging``), one history-only KPI per series: ``ar_current``,
    ``ar_1_30``, ..., ``ar_over_120`` and ``ar_unapplied``."""
    definitions = []
    for key, low, high in aging.series(limits):
        if key == "current":
            label, text = "Not yet due", "Receivables not yet due at the end of the period."
        elif key == aging.UNAPPLIED:
            label = "Unapplied credits"
            text = "Open credit notes and payments not yet matched with an invoice, at the end of the period."
        elif high is None:
            label, text = f"Overdue over {low - 1} days", f"Receivables more than {low - 1} days past due."
        else:
            label, text = f"Overdue {low}-{high} days", f"Receivables {low} to {high} days past due."
        definitions.append(KpiDefinition(f"ar_{key}", label, text, "monetary", card=False))
    return definitions


KPIS = (
    KpiDefinition(
        "cash", "Cash", "Bank, cash and payments in transit at the end of the period.", "monetary", True, span="end"
    ),
    KpiDefinition(
        "runway", "Runway (months)", "Months of cash left at the current net burn.", "months", True, span="end"
    ),
    KpiDefinition(
        "burn",
        "Net burn",
        "Average monthly operating cash out over the last 3 months.",
        "monetary",
        False,
        span="three_months",
    ),
    KpiDefinition(
        "revenue",
        "Revenue",
        "Income of posted invoices and entries, net of credit notes.",
        "monetary",
        True,
        action="account.action_move_out_invoice_type",
    ),
    KpiDefinition(
        "net_profit",
        "Net profit",
        "Revenue minus expenses.",
        "monetary",
        True,
        action="account.action_move_out_invoice_type",
    ),
    KpiDefinition(
        "ar_overdue",
        "Overdue receivables",
        "What customers owe on instalments past their due date.",
        "monetary",
        False,
        action=OVERDUE_INVOICES,
        span="end",
    ),
    KpiDefinition(
        "ar_overdue_share",
        "Overdue share",
        "Part of the receivables that is overdue.",
        "percent",
        False,
        action=OVERDUE_INVOICES,
        span="end",
    ),
    KpiDefinition(
        "dso",
        "DSO (days)",
        "Days sales outstanding: receivables / credit sales x days.",
        "days",
        False,
        action=OVERDUE_INVOICES,
        min_days=90,
    ),
    KpiDefinition(
        "cei",
        "CEI",
        "Collection effectiveness index: 100 means everything collectible was collected.",
        "index",
        True,
        action=OVERDUE_INVOICES,
    ),
    KpiDefinition(
        "collected",
        "Collected",
        "Payments received from customers.",
        "monetary",
        True,
        action="account.action_account_payments",
    ),
    KpiDefinition(
        "ap_due_30",
        "Bills due in 30 days",
        "Vendor bills to pay in the next 30 days.",
        "monetary",
        action="account.action_move_in_invoice_type",
        span="end",
    ),
    KpiDefinition(
        "aov",
        "Average invoice",
        "Untaxed revenue / number of customer invoices.",
        "monetary",
        True,
        action="account.action_move_out_invoice_type",
    ),
    KpiDefinition(
        "new_customers",
        "New customers",
        "Customers invoiced for the first time.",
        "count",
        True,
        action="account.res_partner_action_customer",
    ),
    KpiDefinition(
        "retention",
        "Customer retention",
        "Customers of the previous period invoiced again.",
        "percent",
        True,
        action="account.res_partner_action_customer",
    ),
    KpiDefinition(
        "cac",
        "Acquisition cost",
        "Marketing spend / new customers.",
        "monetary",
        False,
        action="account.res_partner_action_customer",
    ),
    KpiDefinition(
        "win_rate",
        "Win rate",
        "Won / (won + lost) opportunities closed in the period.",
        "percent",
        True,
        action="crm.crm_lead_action_pipeline",
    ),
    KpiDefinition(
        "pipeline",
        "Open pipeline",
        "Expected revenue of the open opportunities.",
        "monetary",
        True,
        action="crm.crm_lead_action_pipeline",
        span="end",
    ),
    KpiDefinition(
        "days_to_pay",
        "Days to pay (average)",
        "Average days from invoice to payment.",
        "days",
        False,
        action=OVERDUE_INVOICES,
    ),
    KpiDefinition(
        "promises_kept",
        "Promises kept",
        "Promises to pay kept / (kept + broken).",
        "percent",
        True,
        action="account.action_account_payments",
    ),
    KpiDefinition(
        "abnormal_count",
        "Abnormally late invoices",
        "Invoices later than their customer usually is.",
        "count",
        False,
        action=OVERDUE_INVOICES,
        span="end",
    ),
    # history only: the parts the cards are made of
    KpiDefinition(
        "expenses", "Expenses", "Expenses of posted bills and entries, net of refunds.", "monetary", card=False
    ),
    KpiDefinition("cash_in", "Cash in", "Money received, internal transfers excluded.", "monetary", card=False),
    KpiDefinition("cash_out", "Cash out", "Money paid, internal transfers excluded.", "monetary", card=False),
    KpiDefinition("ar", "Receivables", "What customers owe at the end of the period.", "monetary", card=False),
    KpiDefinition(
        "ap", "Payables", "What the company owes its vendors at the end of the period.", "monetary", card=False
    ),
    KpiDefinition("invoice_count", "Invoices", "Customer invoices issued in the period.", "count", card=False),
    KpiDefinition(
        "invoiced", "Invoiced", "Customer invoices issued in the period, tax included.", "monetary", card=False
    ),
    *_aging_definitions(),
    KpiDefinition(
        "overdue_count",
        "Overdue invoices",
        "Invoices with an instalment past its due date at the end of the period.",
        "count",
        card=False,
    ),
)
BY_KEY = {definition.key: definition for definition in KPIS}
# the receivables chart's series, in the order of the aging layout
AGING_KEYS = tuple(f"ar_{key}" for key, _low, _high in aging.series())


def registry(*groups):
    """The definitions of ``groups`` (the base ``KPIS``, then each bridge's) as one list; ``ValueError`` on a key
    declared twice."""
    definitions = [definition for group in groups for definition in group]
    seen, duplicates = set(), set()
    for definition in definitions:
        (duplicates if definition.key in seen else seen).add(definition.key)
    if duplicates:
        raise ValueError(f"KPI keys declared twice: {', '.join(sorted(duplicates))}")
    return definitions
