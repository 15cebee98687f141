#!/usr/bin/env bash
# First speed figures for TeleDB on generated pings: ingest MB/s of ping JSON, and rows/s of
# a full scan with a filter and of a GROUP BY. Prints a Markdown table; figures, not tests.
#
#   Bench/first-measurements.sh [PING_COUNT]     (default 100000)
#
# The data is generated into Bench/data (ignored by git) and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-100000}
swift build -c release 2>&1 | tail -n 1
teledb=$PWD/.build/release/teledb
work=Bench/data
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
calc() { awk "BEGIN { print $1 }"; }

"$teledb" generate pings --count "$count" --seed 1 --out "$work/pings.ndjson"
bytes=$(stat -c %s "$work/pings.ndjson")

start=$(now)
"$teledb" ingest "$work/db" "$work/pings.ndjson" >/dev/null
ingest_seconds=$(elapsed "$start" "$(now)")

rows=$("$teledb" "$work/db" -c "SELECT count(*) FROM histograms" --mode csv | tail -n 1 | tr -d "\r")
pings=$("$teledb" "$work/db" -c "SELECT count(*) FROM pings" --mode csv | tail -n 1 | tr -d "\r")

# Best of three runs of each query, timed around the whole process.
time_query() {
    local best=""
    for _ in 1 2 3; do
        local start
        start=$(now)
        "$teledb" "$work/db" -c "$1" --mode csv >/dev/null
        local seconds
        seconds=$(elapsed "$start" "$(now)")
        if [ -z "$best" ] || [ "$(calc "$seconds < $best")" = 1 ]; then best=$seconds; fi
    done
    echo "$best"
}

scan_query="SELECT count(*) FROM histograms WHERE metric = 'GC_MS' AND sample_id < 50"
group_query="SELECT channel, os, metric, count(*) FROM histograms GROUP BY channel, os, metric"
scan_seconds=$(time_query "$scan_query")
group_seconds=$(time_query "$group_query")

cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
echo "| measurement | input | time (s) | rate |"
echo "|---|---|---|---|"
printf "| ingest ping JSON | %d pings, %.1f MB | %.2f | %.1f MB/s |\n" "$pings" "$(calc "$bytes / 1000000")" \
    "$ingest_seconds" "$(calc "$bytes / 1000000 / $ingest_seconds")"
printf "| scan + filter: \`%s\` | %d rows | %.3f | %.1f M rows/s |\n" "$scan_query" "$rows" "$scan_seconds" \
    "$(calc "$rows / 1000000 / $scan_seconds")"
printf "| GROUP BY: \`%s\` | %d rows | %.3f | %.1f M rows/s |\n" "$group_query" "$rows" "$group_seconds" \
    "$(calc "$rows / 1000000 / $group_seconds")"
echo
echo "Machine: $cpu, $(nproc) cores; times include process start and opening the database."
