#!/usr/bin/env bash
# Runs the benchmark suite: TeleDB beside DuckDB, chDB (ClickHouse), SQLite and Polars on the
# same generated telemetry data, and writes the tables into Docs/benchmarks.md.
#
#   Bench/run.sh [--rows N] [--engines duckdb,chdb,sqlite,polars] [--data DIR]
#
# --rows N     pings to generate (default 10000000); 1000000 runs in minutes
# --engines    the peers to run, comma-separated (default all four)
# --data DIR   where the generated data and the engines' stores go (default Bench/data), so
#              that data sets of two sizes can be kept side by side
#
# Steps: build teledb (release), and create Bench/.venv-bench with duckdb, chdb and polars
# from PyPI. Generate the CSV files into Bench/data, which are reused while their row count
# matches and replaced otherwise. Then Bench/bench.py loads each engine, times the queries
# in Bench/queries, checks every peer's results against TeleDB's and writes the report.
# Set TELEDB=PATH to time another teledb executable instead of building one.
# Bench/data* and Bench/.venv-bench are ignored by git.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=10000000
engines=duckdb,chdb,sqlite,polars
data=Bench/data
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=${2:?--rows needs a number}; shift 2 ;;
        --engines) engines=${2:?--engines needs a list}; shift 2 ;;
        --data) data=${2:?--data needs a directory}; shift 2 ;;
        *) echo "usage: Bench/run.sh [--rows N] [--engines duckdb,chdb,sqlite,polars] [--data DIR]" >&2; exit 2 ;;
    esac
done

if [ -z "${TELEDB:-}" ]; then
    swift build -c release --product teledb 2>&1 | tail -n 1
    TELEDB=$PWD/.build/release/teledb
fi

venv=Bench/.venv-bench
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check duckdb chdb polars

# The data is reused when it was generated for the same row count in numbered files,
# because generation and the engines' loads dominate a run's time.
stamp="rows=$rows files=numbered"
if [ "$(cat "$data/stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    start=$(date +%s.%N)
    "$TELEDB" generate dataset --rows "$rows" --seed 1 --out "$data/csv"
    echo "generated in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
    echo "$stamp" >"$data/stamp"
fi

rm -rf "$data/store"
mkdir -p "$data/store"
"$venv/bin/python" Bench/bench.py --teledb "$TELEDB" --data "$data/csv" --store "$data/store" \
    --queries Bench/queries --report Docs/benchmarks.md --rows "$rows" --engines "$engines"
