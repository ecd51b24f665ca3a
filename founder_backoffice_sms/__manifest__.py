{
    "name": "Founder Back Office - SMS",
    "version": "19.0.1.0.0",
    "summary": "Payment reminders by SMS: a dunning level texts the customer with the link of its collections page",
    "author": "Founder Back Office developers",
    "license": "LGPL-3",
    "category": "Accounting",
    "depends": ["founder_backoffice", "sms"],
    "data": [
        "data/sms_template_data.xml",
        "data/ir_cron_data.xml",
        "views/fb_dunning_level_views.xml",
        "views/fb_dunning_reminder_views.xml",
    ],
    "demo": ["demo/fb_dunning_policy_demo.xml"],
    "auto_install": True,
}
