from odoo import api, fields, models


class FbAssignCollectorWizard(models.TransientModel):
    """Assign a collector to the customers selected in the collections queue."""

    _name = "fb.assign.collector.wizard"
    _description = "Assign collector"

    queue_ids = fields.Many2many("fb.collection.queue", string="Customers")
    collector_id = fields.Many2one(
        "res.users",
        required=True,
        domain=lambda self: [("all_group_ids", "in", self.env.ref("founder_backoffice.group_collections_user").id)],
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "fb.collection.queue":
            values["queue_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_assign(self):
        self.ensure_one()
        self.queue_ids.partner_id.write({"fb_collector_id": self.collector_id.id})
        return {"type": "ir.actions.act_window_close"}
