#!/usr/bin/env bash
# A PostgreSQL server on loopback for the storage tests, from Debian's packages (no systemd needed).
#
#   eval "$(.ci/postgres.sh)"      # installs if needed, starts, then exports VBT_TEST_POSTGRESQL_URL
#
# Idempotent: a second run finds the package, the cluster, the role and the database in place and
# only starts the server if it is not running. As root (CI) the server runs as the `postgres` user;
# as another user it runs as that user. Everything but the final `export ...` line goes to stderr.
#
# Settings (environment): VBT_PG_PORT (default 55432, away from a system cluster on 5432),
# VBT_PG_DATA (default /var/lib/vbt-postgresql as root, else ~/.local/share/vbt-postgresql),
# VBT_PG_ROLE / VBT_PG_PASSWORD / VBT_PG_DB (default vbt / vbt / vbt).
set -euo pipefail

port="${VBT_PG_PORT:-55432}"
role="${VBT_PG_ROLE:-vbt}"
password="${VBT_PG_PASSWORD:-vbt}"
database="${VBT_PG_DB:-vbt}"
if [ "$(id -u)" -eq 0 ]; then
    data="${VBT_PG_DATA:-/var/lib/vbt-postgresql}"
else
    data="${VBT_PG_DATA:-$HOME/.local/share/vbt-postgresql}"
fi

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; fi
}

bin="$(find_bin)"
if [ -z "$bin" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and installing it needs root: run as root or apt-get install postgresql"
        exit 1
    fi
    log "installing postgresql from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    # The package's own cluster may fail to start without systemd; we run our own cluster below.
    apt-get install -y -qq --no-install-recommends postgresql >&2 || true
    bin="$(find_bin)"
    if [ -z "$bin" ]; then
        log "apt-get did not install PostgreSQL's server binaries; see the messages above"
        exit 1
    fi
fi

# Run a command as the cluster's owner.
if [ "$(id -u)" -eq 0 ]; then
    owner=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    owner="$(id -un)"
    as_owner() { "$@"; }
fi

if [ ! -s "$data/PG_VERSION" ]; then
    log "creating a cluster in $data"
    mkdir -p "$data"
    chown "$owner" "$data"
    chmod 700 "$data"
    pwfile="$(mktemp)"
    printf '%s\n' "$password" >"$pwfile"
    chown "$owner" "$pwfile"
    as_owner "$bin/initdb" -D "$data" -U "$owner" --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 >&2
    rm -f "$pwfile"
fi

if as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "the server in $data is already running"
else
    log "starting the server on 127.0.0.1:$port"
    as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=on" start >&2
fi

psql_owner() { as_owner "$bin/psql" -h "$data" -p "$port" -U "$owner" -d postgres -v ON_ERROR_STOP=1 -tAq "$@"; }

if [ "$(psql_owner -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != "1" ]; then
    log "creating role $role"
    psql_owner -c "CREATE ROLE \"$role\" LOGIN CREATEDB PASSWORD '$password'" >&2
fi
if [ "$(psql_owner -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
    log "creating database $database"
    psql_owner -c "CREATE DATABASE \"$database\" OWNER \"$role\"" >&2
fi

url="postgresql://$role:$password@127.0.0.1:$port/$database"
log "ready: $url"
echo "export VBT_TEST_POSTGRESQL_URL=$url"
