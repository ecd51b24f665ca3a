from odoo import fields, models


class FbCollectionStage(models.Model):
    """Where a customer's collection case stands; the collections kanban is grouped by it."""

    _name = "fb.collection.stage"
    _description = "Collection stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean("Folded in kanban")
    kind = fields.Selection(
        [
            ("new", "New"),
            ("contacted", "Contacted"),
            ("promised", "Promised"),
            ("plan", "Payment plan"),
            ("escalated", "Escalated"),
            ("legal", "Legal"),
        ],
        required=True,
        default="new",
        help="What the workspace does with the stage: a customer moves to the Promised stage when a promise to pay "
        "is recorded, to Payment plan with a plan, to Escalated when a promise is broken.",
    )

    def _of_kind(self, kind):
        return self.search([("kind", "=", kind)], limit=1)
