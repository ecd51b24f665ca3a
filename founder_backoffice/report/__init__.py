from . import fb_report_pdf
