from lxml import etree

from odoo import models

# context keys of one rendering, not options of the compilation
RENDERING_KEYS = ("__qweb_loaded_functions", "__qweb_loaded_codes", "__qweb_loaded_options", "_qweb_error_path_xml")


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _generate_code_uncached(self, template):
        """Under ``fb_compile_once``, compile a raw template (an e-mail template's body) once per cursor.

        Odoo compiles a mail template's body again for each record it renders, as it is not a stored view: for a
        dunning run's hundreds of e-mails of one level and language that was a fifth of the sending time. The
        compiled functions depend only on the source and the compilation options (the context)."""
        if not self.env.context.get("fb_compile_once") or not isinstance(template, etree._Element):
            return super()._generate_code_uncached(template)
        options = tuple(
            sorted((key, repr(value)) for key, value in self.env.context.items() if key not in RENDERING_KEYS)
        )
        key = (etree.tostring(template), options)
        compiled = self.env.cr.cache.setdefault("fb_compiled_templates", {})
        if key not in compiled:
            compiled[key] = super()._generate_code_uncached(template)
        return compiled[key]
