"""What only the server writes, the jobs' isolation of each company, and how often a founder recomputes.

Server-managed fields (a run's state and sender, reminders and their lines, a promise's or plan's state and date)
change only through the add-on's actions: an action checks that the caller may write the records, then writes
them in superuser mode (``sudo()``). Any other write of those fields, whoever makes it (a manager over RPC
included), is refused with a ``UserError``: superuser mode cannot be reached over RPC.
"""

import uuid
from datetime import timedelta

from psycopg2 import InterfaceError, OperationalError
from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.exceptions import ConcurrencyError, UserError
from odoo.tools import SQL, format_list

# A founder's Refresh computes a company's figures again at most once in this interval: a second click or a second
# tab gets the figures just computed instead of scanning the ledger again.
REFRESH_INTERVAL = timedelta(minutes=1)


def check_managed_write(records, vals, managed):
    """Refuse ``vals`` if it writes any of the ``managed`` fields of ``records`` outside superuser mode (an access
    error first if the caller may not write the records at all)."""
    if records.env.su:
        return
    names = sorted(set(vals) & set(managed))
    if names:
        records.check_access("write")
        raise UserError(_refusal(records, names))


def check_managed_create(model, vals_list, managed, defaults=None):
    """Refuse a creation outside superuser mode that gives any of the ``managed`` fields a value other than its
    default (``defaults``: field name -> the value the web client may send)."""
    if model.env.su:
        return
    defaults = defaults or {}
    names = sorted(
        {
            name
            for vals in vals_list
            for name in set(vals) & set(managed)
            if vals[name] and vals[name] != defaults.get(name)
        }
    )
    if names:
        model.check_access("create")
        raise UserError(_refusal(model, names))


def refuse_outside_actions(model):
    """Refuse a creation outside superuser mode: these records are made by the add-on's actions only."""
    if not model.env.su:
        model.check_access("create")
        raise UserError(model.env._("%s: made by the dunning runs only, not by hand.", _model_name(model)))


def ensure_access_tokens(records, *dependents):
    """Give every record of ``records`` (a ``portal.mixin``) without one its access token, in one statement for a
    whole batch being sent: an ORM write per record would go through the checks of its managed fields. The computed
    fields ``dependents`` read the token."""
    missing = records.filtered(lambda record: not record.access_token)
    if missing:
        records.env.execute_query(
            SQL(
                "UPDATE %s AS record SET access_token = tokens.token FROM (VALUES %s) AS tokens(id, token) "
                "WHERE record.id = tokens.id",
                SQL.identifier(records._table),
                SQL(", ").join(SQL("(%s, %s)", record.id, str(uuid.uuid4())) for record in missing),
            )
        )
        missing.invalidate_recordset(["access_token", *dependents])


def _refusal(records, names):
    labels = format_list(records.env, [records._fields[name]._description_string(records.env) for name in names])
    return records.env._(
        "A %(model)s changes %(fields)s only through its actions (its buttons and the jobs), not by a direct write.",
        fields=labels,
        model=_model_name(records),
    )


def _model_name(records):
    return records.env["ir.model"].sudo()._get(records._name).name or records._description


def isolated(env, logger, function, message, *args):
    """``(result, error)`` of ``function`` called in a savepoint for the jobs: an error rolls back what it did and
    is returned (and logged with ``message``), so that one company's failure does not stop the others.

    Concurrency errors are not a company's failure: they still end the job's transaction (its next call starts
    from a fresh snapshot)."""
    try:
        with env.cr.savepoint():
            return function(), None
    except (OperationalError, InterfaceError, ConcurrencyError):
        raise
    except Exception as error:  # one company's failure must not stop the others
        logger.exception(message, *args)
        return None, error


def for_each_company(env, logger, companies, function, what):
    """Call ``function(company)`` for each of ``companies``, each in its own savepoint (``isolated``), reporting
    progress to the running job: a company that fails, or whose ``what`` another transaction (a founder's Refresh)
    is storing right now, is logged and left to the next call; a call stopped by the job's time budget leaves the
    companies not reached to the next one."""
    Cron = env["ir.cron"]
    Cron._commit_progress(remaining=len(companies))
    for company in companies:
        try:
            isolated(env, logger, lambda company=company: function(company), "%s of %s failed", what, company.name)
        except SerializationFailure:
            logger.info("%s of %s were being stored by another transaction", what, company.name)
        if not Cron._commit_progress(1):
            break


def refreshed_recently(env, model, date_field, company):
    """Whether a founder's Refresh keeps ``company``'s rows of ``model`` as they are: computed less than
    ``REFRESH_INTERVAL`` ago, or being computed right now by another request (which holds this lock per model
    and company to the end of its transaction) rather than computed a second time behind it."""
    [(locked,)] = env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", model, company.id))
    if not locked:
        return True
    since = fields.Datetime.now() - REFRESH_INTERVAL
    return bool(env[model].sudo().search_count([("company_id", "=", company.id), (date_field, ">", since)], limit=1))
