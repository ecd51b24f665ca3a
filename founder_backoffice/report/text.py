"""Pieces of the sentences customers read: names, dates, amounts and numbers set into a translated sentence."""

from markupsafe import Markup

from odoo.tools.misc import format_date, formatLang


def isolate(value):
    """``value`` isolated from the direction of the sentence around it: a Latin company name, a date or an amount in
    an Arabic sentence (or an Arabic name in an English one) keeps its own order and leaves the sentence's alone.
    As Markup, it makes ``env._()`` escape the translation and return Markup."""
    return Markup('<bdi dir="auto">%s</bdi>') % value


def number(env, value):
    """A number as the language writes it (decimal separator, grouping), without decimals when it has none."""
    return formatLang(env, value, digits=0 if float(value).is_integer() else 2)


def date(env, value):
    """A date as the language writes it."""
    return format_date(env, value)


def salutation(env, partner):
    """The salutation of a letter or e-mail to ``partner``, in ``env``'s language."""
    return env._("Dear %(customer)s,", customer=isolate(partner.name))
