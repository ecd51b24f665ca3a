#!/usr/bin/env bash
# `make bench-ocr [HALF=both|dev|held-out] [ARGS="--kind scan --lang ar --limit 20 --show-misses"]`: reads the
# 180 bills of bench/bill_corpus.py (made once into ~/.cache/founder_backoffice/bill_corpus/) as the bills' upload
# does and prints, for its dev half and its held-out half, the fields read right per language and kind of file, per
# field, with the plain text only (no word boxes), the seconds per scanned page and the verdicts against the
# issue's targets (bench/results/ocr.json keeps them).
source "$(dirname "$0")/lib.sh"
find_odoo
bash "$ROOT/scripts/setup_venv.sh"
bash "$ROOT/scripts/system_deps.sh" pdf ocr
# shellcheck disable=SC2086 # ARGS is a list of options
"$PY" "$ROOT/bench/bench_ocr.py" --half "${HALF:-both}" ${ARGS:-}
