"""What the add-on records of the customers' visits to their invoices in the portal."""

# "Seen online" is recorded at most once in this many minutes per invoice: a collector needs to know that the
# customer opened the invoice and roughly when, and a link scanner or a reload loop then costs no database write.
SEEN_EVERY_MINUTES = 30
