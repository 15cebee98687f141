#!/usr/bin/env bash
# Runs the wire tests: real PostgreSQL clients (psql, psycopg 3, psycopg2, asyncpg,
# SQLAlchemy with pandas) against `teledb serve`. The Python clients are installed from PyPI
# into .build/wire-venv the first time; the server binary is TELEDB_BIN, by default the
# release build.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/wire-venv
if [ ! -x "$venv/bin/pytest" ] || ! cmp -s Tests/Wire/requirements.txt "$venv/requirements.txt"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r Tests/Wire/requirements.txt
    cp Tests/Wire/requirements.txt "$venv/requirements.txt"
fi
export TELEDB_BIN="${TELEDB_BIN:-$PWD/.build/release/teledb}"
exec "$venv/bin/pytest" -q -p no:cacheprovider Tests/Wire "$@"
