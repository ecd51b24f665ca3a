#!/usr/bin/env bash
# `make replica-check`: a streaming hot standby of the local PostgreSQL (pg_basebackup -R, standby.signal) on
# another port, Odoo run with db_replica_host/db_replica_port pointing at it on a copy of `make run`'s database,
# then scripts/replica_check.py drives the founder's read paths and a dunning run, and reads from both servers'
# statistics where each request ran. Everything it creates (standby, database copy) is removed at the end.
source "$(dirname "$0")/lib.sh"
prepare_odoo
source_db=${DB:-founder_demo}
db_exists "$source_db" || die "run \`make run\` once first: the check copies its database ($source_db)"
db=fb_replica_check
replica_port=${REPLICA_PORT:-5440}
http_port=8172
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/pg_basebackup" ] || die "pg_basebackup not found (install the PostgreSQL server package)"
if [ "$(id -u)" = 0 ]; then
    # the OS cluster's owner runs the standby, in a folder it can reach
    as_owner=(runuser -u postgres --)
    primary_socket=/var/run/postgresql
    replication_user=postgres
    replica_dir=/var/lib/postgresql/fb_replica_$replica_port
else
    as_owner=()
    primary_socket=$PGHOST
    replication_user=$PGUSER
    replica_dir=$CACHE/replica
fi

stop_replica() { [ -f "$replica_dir/postmaster.pid" ] && "${as_owner[@]}" "$bindir/pg_ctl" -D "$replica_dir" -m fast stop >/dev/null 2>&1; true; }
cleanup() {
    local status=$?
    [ -n "${odoo_pid:-}" ] && kill "$odoo_pid" 2>/dev/null && wait "$odoo_pid" 2>/dev/null
    stop_replica
    rm -rf "$replica_dir"
    drop_db "$db"
    exit "$status"
}
trap cleanup EXIT

log "copying $source_db into $db"
copy_db "$source_db" "$db"
stop_replica
rm -rf "$replica_dir"
mkdir -p "$replica_dir"
[ "${#as_owner[@]}" = 0 ] || chown postgres: "$replica_dir"
chmod 700 "$replica_dir"
log "pg_basebackup of the primary (port $PGPORT) into $replica_dir, streaming"
"${as_owner[@]}" "$bindir/pg_basebackup" -h "$primary_socket" -p "$PGPORT" -U "$replication_user" -D "$replica_dir" -R -X stream -c fast \
    || die "pg_basebackup failed (the role needs the REPLICATION right and a replication line in pg_hba.conf)"
# Debian keeps the configuration outside the data directory: the standby gets its own.
"${as_owner[@]}" tee "$replica_dir/postgresql.conf" >/dev/null <<CONF
port = $replica_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$replica_dir'
hot_standby = on
max_connections = 200
CONF
"${as_owner[@]}" tee "$replica_dir/pg_hba.conf" >/dev/null <<HBA
local all all peer
host all all 127.0.0.1/32 scram-sha-256
HBA
"${as_owner[@]}" "$bindir/pg_ctl" -D "$replica_dir" -l "$replica_dir/server.log" -w start >/dev/null \
    || die "the standby did not start (see $replica_dir/server.log)"
[ "$(PGPORT=$replica_port psql -d "$db" -Atqc 'SELECT pg_is_in_recovery()')" = t ] || die "the standby is not in recovery"
log "hot standby on port $replica_port; Odoo on http://127.0.0.1:$http_port with db_replica_port = $replica_port"

mkdir -p "$ROOT/.test-logs"
odoo_bin -d "$db" --db-filter "^$db\$" --http-port "$http_port" --max-cron-threads 0 --log-level warn \
    --db_replica_host 127.0.0.1 --db_replica_port "$replica_port" > "$ROOT/.test-logs/replica-odoo.log" 2>&1 &
odoo_pid=$!
for _ in $(seq 60); do
    curl -s -o /dev/null "http://127.0.0.1:$http_port/web/login" && break
    sleep 1
done
"$PY" "$ROOT/scripts/replica_check.py" --url "http://127.0.0.1:$http_port" --database "$db" \
    --replica-port "$replica_port"
