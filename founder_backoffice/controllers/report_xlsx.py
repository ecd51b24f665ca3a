import json

from odoo import http
from odoo.exceptions import UserError
from odoo.http import content_disposition, request

from ..engine import reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FbReportXlsx(http.Controller):
    @http.route("/founder_backoffice/xlsx/<string:report>", type="http", auth="user", readonly=True)
    def report_xlsx(self, report, options="{}"):
        """A Back Office report as XLSX, computed from the options of the link with the rights of the user who
        opens it. It writes nothing: with ``db_replica_host`` set, Odoo runs it on the read replica."""
        definition = reports.BY_KEY.get(report)
        if not definition:
            raise request.not_found()
        try:
            options = json.loads(options)
        except ValueError:
            options = None
        if not isinstance(options, dict):
            raise UserError(request.env._("The report options of this link do not parse."))
        model = request.env[definition.model].with_context(fb_report_options=options)
        model.check_access("read")
        checked = model._options()
        filename = f"{report}_{checked['as_of'] if definition.as_of else checked['date_to']}.xlsx"
        return request.make_response(
            model._xlsx_content(checked),
            headers=[("Content-Type", XLSX), ("Content-Disposition", content_disposition(filename))],
        )
