from odoo import api, fields, models


class FbAssignCollectorWizard(models.TransientModel):
    """Assign a collector to the customers selected in the collections queue, each in its row's company."""

    _name = "fb.assign.collector.wizard"
    _description = "Assign collector"

    # the rows' ids: a queue row's id is a bigint, which the integer columns of a many2many table cannot hold
    row_ids = fields.Json()
    queue_ids = fields.Many2many("fb.collection.queue", string="Customers", compute="_compute_queue_ids")
    collector_id = fields.Many2one(
        "res.users",
        required=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("founder_backoffice.group_collections_user").id)],
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "row_ids" in fields_list and self.env.context.get("active_model") == "fb.collection.queue":
            active_ids = self.env.context.get("active_ids") or []
            values["row_ids"] = [row_id for row_id in active_ids if isinstance(row_id, int)]
        return values

    @api.depends("row_ids")
    def _compute_queue_ids(self):
        for wizard in self:
            ids = wizard.row_ids if isinstance(wizard.row_ids, list) else []
            wizard.queue_ids = self.env["fb.collection.queue"].browse(i for i in ids if isinstance(i, int)).exists()

    def action_assign(self):
        self.ensure_one()
        self.queue_ids.write({"collector_id": self.collector_id.id})
        return {"type": "ir.actions.act_window_close"}
