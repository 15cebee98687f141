#!/usr/bin/env bash
# Times three telemetry query forms in TeleDB and in DuckDB on the same generated pings, and
# checks that both engines return the same results where they compute the same thing:
#   (a) GC_MS histograms merged per build_id, with the 95th percentile;
#   (b) the CDF of per-client uptime over a 1% client sample;
#   (c) query (a) answered from a rollup by (channel, os, build_id).
# Prints a Markdown table; figures, not tests.
#
#   Bench/telemetry-forms.sh [PING_COUNT]     (default 20000)
#
# TeleDB times are whole `teledb DB -c` processes (start, opening the database, query,
# CSV output). DuckDB times are one query inside a Python process that has already loaded
# the data. The data lives in Bench/data and is removed afterwards. DuckDB is installed from
# PyPI into Bench/.venv, which is kept for the next run. Both folders are ignored by git.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-20000}
cdf_points=100
swift build -c release --product teledb 2>&1 | tail -n 1
teledb=$PWD/.build/release/teledb
work=Bench/data
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

if [ ! -x Bench/.venv/bin/python ]; then
    python3 -m venv Bench/.venv
fi
Bench/.venv/bin/pip install --quiet --disable-pip-version-check duckdb

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
calc() { awk "BEGIN { print $1 }"; }
sql() { "$teledb" "$work/db" -c "$1" --mode csv; }

"$teledb" generate pings --count "$count" --seed 1 --out "$work/pings.ndjson"
"$teledb" ingest "$work/db" "$work/pings.ndjson" 2>/dev/null

# Best of three runs, each a whole process. The last run's output is kept in $2 so the
# Python half can compare it with DuckDB's result.
time_query() {
    local best=""
    for _ in 1 2 3; do
        local start
        start=$(now)
        sql "$1" >"$2"
        local seconds
        seconds=$(elapsed "$start" "$(now)")
        if [ -z "$best" ] || [ "$(calc "$seconds < $best")" = 1 ]; then best=$seconds; fi
    done
    echo "$best"
}

# One flat GROUP BY, because the planner rewrites only such a query to read the
# materialized view below.
merge_query="SELECT build_id,
       histogram_submissions(HISTOGRAM(histogram)) AS histograms,
       histogram_count(HISTOGRAM(histogram)) AS samples,
       histogram_sum(HISTOGRAM(histogram)) AS total,
       percentile(HISTOGRAM(histogram), 0.95) AS p95
FROM histograms WHERE metric = 'GC_MS'
GROUP BY build_id ORDER BY build_id"
cdf_query="SELECT CDF(uptime, $cdf_points) AS cdf
FROM (SELECT client_id, sum(uptime) AS uptime
      FROM pings SAMPLE 1 PERCENT BY client_id
      WHERE uptime IS NOT NULL GROUP BY client_id) t"

merge_seconds=$(time_query "$merge_query" "$work/a.csv")
cdf_seconds=$(time_query "$cdf_query" "$work/b.csv")

sql "CREATE MATERIALIZED VIEW gc_rollup AS
     SELECT channel, os, build_id, HISTOGRAM(histogram) AS h
     FROM histograms WHERE metric = 'GC_MS'
     GROUP BY channel, os, build_id" >/dev/null
plan=$(sql "EXPLAIN $merge_query")
if ! grep -q "MaterializedView gc_rollup" <<<"$plan"; then
    echo "error: EXPLAIN shows no rewrite to gc_rollup, so query (c) would not read the view. Plan:" >&2
    echo "$plan" >&2
    exit 1
fi
rollup_seconds=$(time_query "$merge_query" "$work/c.csv")
view_rows=$(sql "SELECT count(*) FROM gc_rollup" | tail -n 1 | tr -d "\r")
histogram_rows=$(sql "SELECT count(*) FROM histograms WHERE metric = 'GC_MS'" | tail -n 1 | tr -d "\r")

# The minimum cost of a TeleDB process: start, open the database, run a constant query.
floor_seconds=$(time_query "SELECT 1" /dev/null)

# The DuckDB input: one row per non-empty GC_MS bucket (a lateral histogram_buckets call),
# one row per GC_MS histogram for its sum, which the buckets cannot give, and the pings
# columns that query (b) reads.
sql "SELECT r.document_id, r.client_id, r.sample_id, r.build_id, r.channel, r.os, r.metric,
            b.lower, b.upper, b.count
     FROM histograms r, histogram_buckets(r.histogram) b
     WHERE r.metric = 'GC_MS' AND b.count > 0" >"$work/gc_buckets.csv"
sql "SELECT document_id, client_id, sample_id, build_id, channel, os,
            histogram_submissions(histogram) AS histograms, histogram_sum(histogram) AS total
     FROM histograms WHERE metric = 'GC_MS'" >"$work/gc_histograms.csv"
sql "SELECT client_id, sample_id, uptime FROM pings" >"$work/pings.csv"

Bench/.venv/bin/python Bench/telemetry_forms_duckdb.py --data "$work" --points "$cdf_points" \
    --teledb-times "$merge_seconds,$cdf_seconds,$rollup_seconds"

buckets=$(($(wc -l <"$work/gc_buckets.csv") - 1))
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "Input: $count pings, $histogram_rows GC_MS histograms with $buckets non-empty buckets," \
    "$view_rows rows in the rollup view."
printf "A TeleDB process running \`SELECT 1\` takes %.3f s (best of 3).\n" "$floor_seconds"
echo "Machine: $cpu, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
