"""DuckDB half of Bench/telemetry-forms.sh.

Load the CSV files exported from TeleDB into a DuckDB database file, time the three query
forms in this one Python process (best of 3, after loading), compare the results with the
ones TeleDB wrote, and print the Markdown table. Run by the shell script, not on its own.
"""

import argparse
import csv
import json
import math
import time

import duckdb

# Percentile rule shared with TeleDB: with n samples the rank is 0.95 * n, and the first
# non-empty bucket whose cumulative count reaches the rank contains the percentile.
# DuckDB reports that bucket's bounds. TeleDB interpolates inside it, so its p95 must lie
# between the bounds, and the counts and sums must match exactly.
MERGE_FROM_BUCKETS = """
WITH merged AS (
    SELECT build_id, lower, any_value(upper) AS upper, sum(count) AS count
    FROM {buckets} GROUP BY build_id, lower
), ranked AS (
    SELECT build_id, lower, upper,
           sum(count) OVER (PARTITION BY build_id ORDER BY lower) AS cumulative,
           sum(count) OVER (PARTITION BY build_id) AS samples
    FROM merged
), p95 AS (
    SELECT build_id, arg_min(lower, lower) FILTER (WHERE cumulative >= 0.95 * samples) AS lower,
           arg_min(upper, lower) FILTER (WHERE cumulative >= 0.95 * samples) AS upper
    FROM ranked GROUP BY build_id
), totals AS (
    SELECT build_id, sum(histograms) AS histograms, sum(total) AS total
    FROM {histograms} GROUP BY build_id
)
SELECT t.build_id, t.histograms, coalesce(s.samples, 0) AS samples, t.total, p.lower, p.upper
FROM totals t
LEFT JOIN (SELECT DISTINCT build_id, samples FROM ranked) s USING (build_id)
LEFT JOIN p95 p USING (build_id)
ORDER BY t.build_id
"""

# TeleDB's CDF(x, points): the values at ranks ceil(k * n / points) for k = 1 ... points,
# plus the minimum, each with the fraction of values at or below it.
CDF_OF_SAMPLE = """
WITH per_client AS (
    SELECT client_id, sum(uptime) AS uptime
    FROM pings WHERE sample_id = 0 AND uptime IS NOT NULL GROUP BY client_id
), ranked AS (
    SELECT uptime, row_number() OVER (ORDER BY uptime) AS rank,
           cume_dist() OVER (ORDER BY uptime) AS cumulative,
           count(*) OVER () AS n
    FROM per_client
)
SELECT DISTINCT uptime, cumulative FROM ranked
WHERE rank = 1 OR rank IN (SELECT (k * n + {points} - 1) // {points}
                           FROM range(1, {points} + 1) r(k), (SELECT count(*) AS n FROM per_client))
ORDER BY uptime
"""


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="folder with the exported CSV files")
    parser.add_argument("--teledb-times", required=True,
                        help="TeleDB best times in seconds for queries a, b and c, comma separated")
    parser.add_argument("--points", type=int, required=True, help="points of the CDF")
    return parser.parse_args()


def load(connection, data):
    """Copy the CSV exports into DuckDB tables and build the rollup tables for query (c)."""
    # build_id looks like a number, but it is an identifier that the comparison reads as text.
    text_ids = "types = {'build_id': 'VARCHAR'}"
    connection.execute(f"CREATE TABLE gc_buckets AS SELECT * FROM read_csv('{data}/gc_buckets.csv', {text_ids})")
    connection.execute(
        f"CREATE TABLE gc_histograms AS SELECT * FROM read_csv('{data}/gc_histograms.csv', {text_ids})")
    connection.execute(f"CREATE TABLE pings AS SELECT * FROM read_csv('{data}/pings.csv')")

    # The DuckDB counterpart of the materialized view: GC_MS pre-aggregated by
    # (channel, os, build_id), per bucket for the counts and per group for histograms and sums.
    connection.execute("""
        CREATE TABLE gc_bucket_rollup AS
        SELECT channel, os, build_id, lower, any_value(upper) AS upper, sum(count) AS count
        FROM gc_buckets GROUP BY channel, os, build_id, lower""")
    connection.execute("""
        CREATE TABLE gc_histogram_rollup AS
        SELECT channel, os, build_id, count(*) AS histograms, sum(total) AS total
        FROM gc_histograms GROUP BY channel, os, build_id""")
    connection.execute("CHECKPOINT")


def best_of_three(connection, sql):
    """Run sql three times and return (best wall time in seconds, rows of the last run)."""
    best = math.inf
    rows = []
    for _ in range(3):
        start = time.perf_counter()
        rows = connection.execute(sql).fetchall()
        best = min(best, time.perf_counter() - start)
    return best, rows


def read_teledb_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def compare_merge(label, teledb_rows, duckdb_rows):
    """Check counts and sums per build exactly and TeleDB's p95 against DuckDB's bucket bounds."""
    problems = []
    if len(teledb_rows) != len(duckdb_rows):
        problems.append(f"{label}: {len(teledb_rows)} TeleDB groups, {len(duckdb_rows)} DuckDB groups")
    for teledb, (build_id, histograms, samples, total, lower, upper) in zip(teledb_rows, duckdb_rows):
        if teledb["build_id"] != (build_id or ""):
            problems.append(f"{label}: build {teledb['build_id']} against {build_id}")
            continue
        expected = {"histograms": histograms, "samples": samples, "total": total}
        for column, value in expected.items():
            if int(teledb[column]) != int(value):
                problems.append(f"{label}: build {build_id} {column} {teledb[column]} against {value}")
        if lower is None:
            if teledb["p95"] not in ("", "NULL"):
                problems.append(f"{label}: build {build_id} p95 {teledb['p95']} but no samples in DuckDB")
            continue
        p95 = float(teledb["p95"])
        top = lower if upper is None else upper
        if not (lower - 1e-9 <= p95 <= top + 1e-9):
            problems.append(f"{label}: build {build_id} p95 {p95} outside bucket [{lower}, {upper}]")
    return problems


def compare_cdf(teledb_rows, duckdb_rows):
    """Check that both CDFs have the same points, values exact and fractions within 1e-9."""
    # CDF over no rows is NULL, which the CSV output writes as an empty line that csv skips.
    cdf = teledb_rows[0]["cdf"] if teledb_rows else ""
    points = json.loads(cdf) if cdf else []
    if len(points) != len(duckdb_rows):
        return [f"(b): {len(points)} TeleDB points, {len(duckdb_rows)} DuckDB points"]
    problems = []
    for (value, cumulative), (duck_value, duck_cumulative) in zip(points, duckdb_rows):
        if float(value) != float(duck_value) or abs(cumulative - duck_cumulative) > 1e-9:
            problems.append(f"(b): point ({value}, {cumulative}) against ({duck_value}, {duck_cumulative})")
    return problems


def main():
    arguments = parse_arguments()
    data = arguments.data
    connection = duckdb.connect(f"{data}/bench.duckdb")

    start = time.perf_counter()
    load(connection, data)
    load_seconds = time.perf_counter() - start

    merge_sql = MERGE_FROM_BUCKETS.format(buckets="gc_buckets", histograms="gc_histograms")
    rollup_sql = MERGE_FROM_BUCKETS.format(buckets="gc_bucket_rollup", histograms="gc_histogram_rollup")
    cdf_sql = CDF_OF_SAMPLE.format(points=arguments.points)
    merge_seconds, merge_rows = best_of_three(connection, merge_sql)
    cdf_seconds, cdf_rows = best_of_three(connection, cdf_sql)
    rollup_seconds, rollup_rows = best_of_three(connection, rollup_sql)

    problems = compare_merge("(a)", read_teledb_csv(f"{data}/a.csv"), merge_rows)
    problems += compare_cdf(read_teledb_csv(f"{data}/b.csv"), cdf_rows)
    problems += compare_merge("(c)", read_teledb_csv(f"{data}/c.csv"), rollup_rows)

    teledb_seconds = [float(value) for value in arguments.teledb_times.split(",")]
    names = [
        "(a) merge GC_MS by build_id, p95",
        "(b) CDF of per-client uptime, 1% client sample",
        "(c) = (a) from the (channel, os, build_id) rollup",
    ]
    duckdb_seconds = [merge_seconds, cdf_seconds, rollup_seconds]
    print("| query | TeleDB s | DuckDB s | ratio TeleDB / DuckDB |")
    print("|---|---|---|---|")
    for name, teledb, duck in zip(names, teledb_seconds, duckdb_seconds):
        print(f"| {name} | {teledb:.3f} | {duck:.3f} | {teledb / duck:.1f} |")
    print()
    print(f"DuckDB {duckdb.__version__}: CSV load and rollup tables {load_seconds:.2f} s (not in the table); "
          f"(a) {len(merge_rows)} builds, (b) {len(cdf_rows)} CDF points, (c) {len(rollup_rows)} builds.")
    if problems:
        print(f"Results differ ({len(problems)} problems):")
        for problem in problems[:20]:
            print(f"  {problem}")
        raise SystemExit(1)
    print("Results agree: histogram, sample and sum counts per build exactly, TeleDB's p95 inside "
          "DuckDB's p95 bucket, and CDF points with values exact and fractions within 1e-9.")


if __name__ == "__main__":
    main()
