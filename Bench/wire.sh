#!/usr/bin/env bash
# Measures the wire server beside PostgreSQL 15 on the same table: point queries per second
# and rows per second for a large result, through psycopg 3 over loopback. Prints a
# Markdown table for Docs/benchmarks.md; figures, not tests.
#
#   Bench/wire.sh [ROWS]      (default 1000000)
#
# Needs PostgreSQL 15's server binaries (Debian's postgresql-15). The script starts a
# throwaway cluster on a free loopback port in a temporary folder, and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-1000000}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
swift build -c release --product teledb 2>&1 | tail -n 1
venv=Bench/.venv-wire
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "psycopg[binary]==3.2.3"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" Bench/wire_bench.py "$PWD/.build/release/teledb" "$pg_bin" "$rows" "$work"
