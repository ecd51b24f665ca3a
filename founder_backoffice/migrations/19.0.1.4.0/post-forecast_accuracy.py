"""The forecast's accuracy shows from the upgrade on, as on a new install: the last 13 weeks' forecasts are frozen as
of their Sundays."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    api.Environment(cr, SUPERUSER_ID, {})["fb.forecast.accuracy"]._backfill()
