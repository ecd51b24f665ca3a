{
    "name": "Founder Back Office",
    "version": "19.0.1.0.0",
    "summary": "Collections, automated dunning, founder KPIs and localized AR/AP reports for small companies",
    "author": "Founder Back Office developers",
    "license": "LGPL-3",
    "category": "Accounting",
    "depends": ["account", "crm", "mail"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/founder_backoffice_security.xml",
        "security/ir.model.access.csv",
        "views/founder_backoffice_menus.xml",
    ],
    "demo": [
        "data/demo/res_partner_demo.xml",
        "data/demo/account_move_demo.xml",
    ],
    "application": True,
}
