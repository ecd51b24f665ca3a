from . import controllers
from . import models
from . import report
from . import wizard


def post_init_hook(env):
    """The last twelve months of KPI snapshots, so the dashboard's trend lines are there from the first day, and
    the forecast frozen as of the last 13 Sundays, so its accuracy is too (the demo's included: it loads first)."""
    for company in env["res.company"].search([("chart_template", "!=", False)]):
        env["fb.kpi.snapshot"].with_company(company)._refresh(company)
    env["fb.forecast.accuracy"]._backfill()
