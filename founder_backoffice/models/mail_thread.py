from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """A message routed to a payment reminder brings its headers along (``fb_reply_headers`` in the context):
        they tell an automatic answer from the customer's own. Messages routed elsewhere are left as they are."""
        if any(route[0] == "fb.dunning.reminder" for route in routes or ()):
            headers = {name: str(value) for name, value in message.items()}
            return super(MailThread, self.with_context(fb_reply_headers=headers))._message_route_process(
                message, message_dict, routes
            )
        return super()._message_route_process(message, message_dict, routes)
