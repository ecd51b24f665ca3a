from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.account.controllers.portal import PortalAccount


class FbPortalAccount(PortalAccount):
    @route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        """Remember when the customer (not an employee) opens the invoice, so collectors know it was seen."""
        response = super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
        if request.env.user._is_public() or request.env.user.share:
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                return response
            invoice_sudo._fb_mark_seen_online()
        return response
