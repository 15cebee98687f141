#!/usr/bin/env bash
# Times ping ingest: `teledb ingest` beside DuckDB's read_json on the same JSON files, in MB of
# JSON per second, on one core and on all cores.
#
#   Bench/ingest.sh [--pings N] [--real DIR] [--copies N] [--runs N] [--report FILE]
#
# --pings N    generated pings, one NDJSON file (default 20000, about 200 MB)
# --real DIR   folder of real pings (default ../shared/telemetry/pings/pass); skipped when
#              it does not exist
# --copies N   times the real pings are repeated, as compact lines of one NDJSON file
#              (default 40, about 11 MB)
# --runs N     runs per measurement; the best and the median are reported (default 3)
# --report F   also write the results as a markdown section to F (default: print only)
#
# Steps: build teledb (release) unless TELEDB=PATH names one, create or reuse
# Bench/.venv-bench with duckdb from PyPI, generate the pings into Bench/data/ingest (reused
# while the count matches), then run Bench/ingest_bench.py.
set -euo pipefail
cd "$(dirname "$0")/.."

pings=20000
copies=40
real=../shared/telemetry/pings/pass
runs=3
report=
while [ $# -gt 0 ]; do
    case "$1" in
        --pings) pings=${2:?--pings needs a number}; shift 2 ;;
        --real) real=${2:?--real needs a folder}; shift 2 ;;
        --copies) copies=${2:?--copies needs a number}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --report) report=${2:?--report needs a file}; shift 2 ;;
        *) echo "usage: Bench/ingest.sh [--pings N] [--real DIR] [--copies N] [--runs N] [--report FILE]" >&2; exit 2 ;;
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
"$venv/bin/python" -c "import duckdb" 2>/dev/null ||
    "$venv/bin/pip" install --quiet --disable-pip-version-check duckdb

data=Bench/data/ingest
stamp="pings=$pings seed=1"
if [ "$(cat "$data/stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    "$TELEDB" generate pings --count "$pings" --seed 1 --out "$data/generated.ndjson"
    echo "$stamp" >"$data/stamp"
fi

real_args=()
if [ -d "$real" ] && [ "$copies" -gt 0 ]; then
    real_args=(--real "$real" --copies "$copies")
fi
report_args=()
if [ -n "$report" ]; then
    report_args=(--report "$report")
fi

"$venv/bin/python" Bench/ingest_bench.py --teledb "$TELEDB" --generated "$data/generated.ndjson" \
    --work "$data/work" --runs "$runs" ${real_args[@]+"${real_args[@]}"} ${report_args[@]+"${report_args[@]}"}
