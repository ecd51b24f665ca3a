#!/usr/bin/env bash
# `make bench-ocr [BILLS=60]`: generates supplier bills (text PDFs, clean and noisy scans) and prints how many of
# their fields the bill reader gets right, and the seconds per page (bench/results/ocr.json keeps it).
source "$(dirname "$0")/lib.sh"
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
bash "$ROOT/scripts/system_deps.sh" pdf ocr
"$PY" "$ROOT/bench/bench_ocr.py" --bills "${BILLS:-60}"
