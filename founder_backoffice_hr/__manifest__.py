{
    "name": "Founder Back Office - Employees",
    "version": "19.0.1.0.0",
    "summary": "Employee headcount, turnover and retention on the founder dashboard",
    "author": "Founder Back Office developers",
    "license": "LGPL-3",
    "category": "Accounting",
    "depends": ["founder_backoffice", "hr"],
    "auto_install": True,
}
