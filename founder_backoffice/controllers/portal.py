from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route

from odoo.addons.account.controllers.portal import PortalAccount


class FbPortalAccount(PortalAccount):
    @route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        """Remember when the customer (not an employee) opens the invoice's page, so collectors know it was seen.

        Only the page counts: its PDF, downloads and the HTML the page frames are what scanners and previews
        fetch, and a visit within ``portal.SEEN_EVERY_MINUTES`` of the last one recorded writes nothing."""
        response = super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )
        if report_type or download or response.status_code != 200:
            return response
        if request.env.user._is_public() or request.env.user.share:
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                return response
            invoice_sudo._fb_mark_seen_online()
        return response
