#!/usr/bin/env bash
# `make i18n`: exports the terms of each add-on with Odoo's own exporter into its i18n/<addon>.pot and merges
# them into i18n/ar.po and i18n/it.po (new terms come in untranslated, never fuzzy; the test suite then
# fails until they are translated).
source "$(dirname "$0")/lib.sh"
prepare_odoo
tpl=$(bash "$ROOT/scripts/template_db.sh")
db=fb_i18n_$$
copy_db "$tpl" "$db"
trap 'drop_db "$db"' EXIT
odoo_bin -d "$db" -i "$ADDONS_CSV" --stop-after-init --max-cron-threads 0 --log-level warn --http-port 8169
for addon in $ADDONS; do
    i18n=$ROOT/$addon/i18n
    mkdir -p "$i18n"
    "$PY" "$ODOO_DIR/odoo-bin" i18n export -c "$ODOO_CFG" -d "$db" -o "$i18n/$addon.pot" "$addon"
    for lang in ar it; do
        if [ -f "$i18n/$lang.po" ]; then
            msgmerge --quiet --update --backup=none --no-fuzzy-matching --no-wrap "$i18n/$lang.po" "$i18n/$addon.pot"
            msgattrib --no-obsolete --no-wrap -o "$i18n/$lang.po" "$i18n/$lang.po"
        else
            "$PY" "$ODOO_DIR/odoo-bin" i18n export -c "$ODOO_CFG" -d "$db" -l "$lang" -o "$i18n/$lang.po" "$addon"
        fi
    done
    log "$addon: $(grep -c '^msgid ' "$i18n/$addon.pot") terms; untranslated: ar $(msgattrib --untranslated "$i18n/ar.po" | grep -c '^msgid ' || true), it $(msgattrib --untranslated "$i18n/it.po" | grep -c '^msgid ' || true)"
done
