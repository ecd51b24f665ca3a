# The two commands of the README, and the pieces they are made of.
.PHONY: run test lint setup i18n bench bench-ocr load screenshots readme replica-check pytest-db

run:    ## serve Odoo with the add-on and demo data on http://127.0.0.1:8069 (admin / admin)
	@bash scripts/run.sh

test:   ## lint, plain pytest over tests/, then the add-on's Odoo tests; ends with "N passed, M failed"
	@bash scripts/test.sh

lint:   ## the OCA pre-commit checks (.pre-commit-config.yaml): README.rst, module and catalogue checks, ruff, pylint-odoo, prettier
	@bash scripts/lint.sh

setup:  ## only the set-up: Odoo source, .venv, PostgreSQL, template database
	@bash scripts/template_db.sh >/dev/null

i18n:   ## export the add-on's terms to i18n/founder_backoffice.pot and merge them into ar.po and it.po
	@bash scripts/i18n.sh

bench:  ## generate the benchmark data set once, then measure each operation (SCALE=1: 20,000 invoices)
	@bash scripts/bench.sh

bench-ocr:  ## read the 180-bill corpus (en/it/ar; text PDFs, scans, image PDFs, photos, faxes): fields right, dev and held-out halves
	@bash scripts/bench_ocr.sh

load:   ## Odoo with 4 workers, 2 cron workers and the websocket worker under 10, 20 and 40 Locust users, idle then while the dunning job sends, with Odoo's own screens as yardstick (after make bench)
	@bash scripts/load.sh

replica-check:  ## a hot standby of the local PostgreSQL and Odoo reading from it: where each founder's request ran (after make run)
	@bash scripts/replica_check.sh

screenshots:  ## PNG pages of the demo letters and statements for the README (after make run)
	@bash scripts/screenshots.sh

readme:  ## write each add-on's README.rst from its readme/*.md fragments (the OCA's layout), and README.md's persona tables from founder_backoffice/tests/personas.md
	@python3 scripts/addon_readme.py

pytest-db:  ## the database fb_pytest (a copy of the tests' template, the add-ons installed) for one test: .venv/bin/pytest --odoo-database=fb_pytest founder_backoffice/tests -k NAME
	@bash scripts/pytest_db.sh >/dev/null
