"""Sentences written in one piece for translators, with names, dates, amounts and numbers set into them."""

from markupsafe import Markup

from odoo.tools.misc import format_amount, format_date, formatLang


def isolate(value):
    """``value`` isolated from the direction of the sentence around it: a Latin company name, a date or an amount in
    an Arabic sentence (or an Arabic name in an English one) keeps its own order and leaves the sentence's alone.
    As Markup, it makes ``env._()`` escape the translation and return Markup."""
    return Markup('<bdi dir="auto">%s</bdi>') % value


def number(env, value):
    """A number as the language writes it (decimal separator, grouping), without decimals when it has none."""
    return formatLang(env, value, digits=0 if float(value).is_integer() else 2)


def period(env, date_from, date_to, isolated=True):
    """A report's period as a sentence of ``env``'s language, its dates as the language writes them; ``isolated``
    for HTML (a PDF), plain text for a spreadsheet's cell."""
    wrap = isolate if isolated else str
    return env._(
        "From %(date_from)s to %(date_to)s",
        date_from=wrap(format_date(env, date_from)),
        date_to=wrap(format_date(env, date_to)),
    )


def overdue_summary(env, amount, currency, days):
    """A customer's overdue amount and the age of its oldest overdue item, as the queue card and the CRM opportunity
    show them."""
    return env._(
        "%(amount)s overdue; days late of the oldest: %(days)s", amount=format_amount(env, amount, currency), days=days
    )


def salutation(env, partner):
    """The salutation of a letter or e-mail to ``partner``, in ``env``'s language: a language whose letters open
    with more than one line (Arabic: the greeting after the addressee) writes them in one translation, one line
    each."""
    lines = env._("Dear %(customer)s,", customer=isolate(partner.name)).split("\n")
    return Markup("<br/>").join(lines)
