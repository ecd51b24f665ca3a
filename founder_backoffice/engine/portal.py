"""What the add-on records of the customers' visits to the portal, and the bounds of their collections page."""

# "Seen online" is recorded at most once in this many minutes per invoice: a collector needs to know that the
# customer opened the invoice and roughly when, and a link scanner or a reload loop then costs no database write.
SEEN_EVERY_MINUTES = 30

# What a customer may do on the collections page of a reminder (promise, dispute, accept a plan, pay): at most this
# many actions per reminder in a clock hour, counted in the database for every worker. A person needs a few; a
# script replaying the form would otherwise fill the collectors' activities and the chatter.
ACTIONS_PER_HOUR = 20
# A dispute's message is at most this long (characters): a few paragraphs, not a document (that is the attachment).
MAX_MESSAGE_CHARS = 4000


def rate_limited(count: int) -> bool:
    """Whether the ``count``-th action of the hour on a reminder is one too many."""
    return count > ACTIONS_PER_HOUR


def days_late(due, today) -> int:
    """Days an item is late on ``today``: 0 until its due date has passed."""
    return max((today - due).days, 0) if due else 0
