{
    "name": "Founder Back Office - Bill Capture",
    "version": "19.0.1.0.0",
    "summary": "Vendor bills from paper scans, PDFs and their QR codes (ZATCA, SEPA, Swiss): a filled draft bill",
    "author": "Founder Back Office developers",
    "license": "LGPL-3",
    "category": "Accounting",
    "depends": ["account"],
    "external_dependencies": {
        "python": ["zxing-cpp"],
        "bin": ["pdftotext", "pdfinfo", "pdftoppm", "tesseract"],
    },
    "data": [
        "data/ir_cron_data.xml",
        "views/account_move_views.xml",
    ],
    "demo": ["demo/res_partner_demo.xml"],
}
