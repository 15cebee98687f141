#!/usr/bin/env bash
# Sets TeleDB up and opens its shell on an embedded database of Firefox telemetry pings.
#
#   ./demo.sh [PING_FOLDER]
#
# Installs missing Debian packages, builds in release mode, and on the first run creates the
# database at $TELEDB_HOME/default.tdb (default ~/.local/share/teledb/default.tdb) from the
# real pings in ../shared/telemetry/pings/pass (or PING_FOLDER) plus generated pings
# (TELEDB_DEMO_PINGS of them, default 20000). With a terminal it opens the shell; without
# one it runs Docs/demo.sql and prints the results.
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh
swift build -c release 2>&1 | tail -n 3
teledb=.build/release/teledb

home=${TELEDB_HOME:-$HOME/.local/share/teledb}
database=$home/default.tdb
mkdir -p "$home"
ping_folder=${1:-../shared/telemetry/pings/pass}
generated_count=${TELEDB_DEMO_PINGS:-20000}

if ! "$teledb" "$database" -c "SELECT count(*) FROM pings" >/dev/null 2>&1; then
    if [ -d "$ping_folder" ]; then
        echo "ingesting the pings in $ping_folder"
        "$teledb" ingest "$database" "$ping_folder"
    else
        echo "no ping folder at $ping_folder; using generated pings only"
    fi
    generated=$home/generated-pings.ndjson
    echo "generating $generated_count pings"
    "$teledb" generate pings --count "$generated_count" --seed 42 --out "$generated"
    "$teledb" ingest "$database" "$generated"
    rm -f "$generated"
fi

export TELEDB_HOME=$home
if [ -t 0 ] && [ -t 1 ]; then
    exec "$teledb" "$database"
fi
exec "$teledb" "$database" < Docs/demo.sql
