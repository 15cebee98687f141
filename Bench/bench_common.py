"""Table schemas, query files and result checks shared by the benchmark runners.

A query file in Bench/queries contains a `-- title:` line and a `-- check:` line naming how
results are compared. An optional `-- telemetry: yes` line counts the query among the
telemetry queries. Then come one or more `-- engines: NAME ...` lines, each followed by the
SQL text those engines run. Comment lines inside a block are kept.
"""

import datetime
import glob
import json
import math
import os

# Column types in the benchmark CSV files: "text", "int", "date" or "histogram".
PINGS = [
    ("document_id", "text"), ("client_id", "text"), ("sample_id", "int"), ("submission_date", "date"),
    ("channel", "text"), ("version", "text"), ("build_id", "text"), ("os", "text"), ("locale", "text"),
    ("uptime", "int"), ("total_time", "int"), ("active_ticks", "int"), ("main_ms", "int"),
    ("first_paint_ms", "int"), ("session_restored_ms", "int"), ("shutdown_ms", "int"), ("tab_count", "int"),
    ("uri_count", "int"), ("unique_domains", "int"), ("search_count", "int"), ("memory_mb", "int"),
    ("cpu_count", "int"),
]
HISTOGRAMS = [
    ("document_id", "text"), ("client_id", "text"), ("sample_id", "int"), ("submission_date", "date"),
    ("channel", "text"), ("os", "text"), ("build_id", "text"), ("metric", "text"), ("bucket", "int"),
    ("count", "int"),
]
HISTOGRAM_VALUES = HISTOGRAMS[:8] + [("histogram", "histogram")]

# The tables each engine loads. Only TeleDB has a HISTOGRAM type, so only it loads the
# third table. The peers merge histograms from the long table.
PEER_TABLES = {"pings": PINGS, "histograms": HISTOGRAMS}
TELEDB_TABLES = {"pings": PINGS, "histograms": HISTOGRAMS, "histogram_values": HISTOGRAM_VALUES}

def table_files(data, table):
    """Return the CSV files of one table, which the generator numbers from pings-001.csv on."""
    files = sorted(glob.glob(os.path.join(glob.escape(os.path.abspath(data)), f"{table}-[0-9][0-9][0-9].csv")))
    if not files:
        raise FileNotFoundError(f"no {table}-NNN.csv files in {data}; generate them with teledb generate dataset")
    return files


ENGINES = ["teledb", "duckdb", "chdb", "sqlite", "polars"]
ENGINE_NAMES = {"teledb": "TeleDB", "duckdb": "DuckDB", "chdb": "chDB", "sqlite": "SQLite", "polars": "Polars"}


def load_queries(directory):
    """Read every query file in `directory`, sorted by name."""
    queries = []
    for file_name in sorted(os.listdir(directory)):
        if not file_name.endswith(".sql"):
            continue
        query = {"name": file_name[:-4], "title": "", "check": "exact", "telemetry": False, "sql": {}}
        engines = []
        with open(os.path.join(directory, file_name), encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("-- title:"):
                    query["title"] = line.split(":", 1)[1].strip()
                elif line.startswith("-- check:"):
                    query["check"] = line.split(":", 1)[1].strip()
                elif line.startswith("-- telemetry:"):
                    query["telemetry"] = line.split(":", 1)[1].strip() == "yes"
                elif line.startswith("-- engines:"):
                    engines = line.split(":", 1)[1].split()
                    for engine in engines:
                        query["sql"][engine] = ""
                else:
                    for engine in engines:
                        query["sql"][engine] += line
        queries.append(query)
    return queries


def normalize_cell(value):
    """Turn one result cell into an int, a float or a string, whatever engine returned it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "is_integer") or hasattr(value, "as_tuple"):  # decimal.Decimal
        return float(value)
    text = str(value)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def normalize_rows(rows):
    return [[normalize_cell(cell) for cell in row] for row in rows]


def close(a, b, relative=1e-9):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(a, b, rel_tol=relative, abs_tol=1e-12)


def compare_exact(expected, actual):
    if len(expected) != len(actual):
        return f"{len(actual)} rows, TeleDB returned {len(expected)}"
    for index, (left, right) in enumerate(zip(expected, actual)):
        if len(left) != len(right) or not all(close(a, b) for a, b in zip(left, right)):
            return f"row {index + 1}: {right}, TeleDB returned {left}"
    return None


def exponential_bounds(low, high, bucket_count):
    """Compute Firefox's exponential bucket lower bounds.

    Bucket 0 starts at 0 and bucket 1 at low. Each next bound spreads the remaining log
    range evenly over the remaining buckets, rounded half up, and is at least one more than
    the bound before it."""
    bounds = [0, low]
    current = low
    log_high = math.log(high)
    for index in range(2, bucket_count):
        log_current = math.log(current)
        step = (log_high - log_current) / (bucket_count - index)
        next_value = math.floor(math.exp(log_current + step) + 0.5)
        current = next_value if next_value > current else current + 1
        bounds.append(current)
    return bounds


# GC_MS is exponential from 1 to 10000 in 50 buckets.
GC_MS_BOUNDS = exponential_bounds(1, 10000, 50)


def compare_histogram_p95(expected, actual):
    """Check TeleDB's (build_id, samples, p95) rows against a peer's (build_id, samples, bucket).

    The peer's bucket is the lower bound of the bucket that contains rank 0.95 * n. TeleDB's
    p95 must lie inside that bucket, at or above its lower bound and at or below the next
    bound."""
    if len(expected) != len(actual):
        return f"{len(actual)} builds, TeleDB returned {len(expected)}"
    for (build, samples, p95), (peer_build, peer_samples, bucket) in zip(expected, actual):
        if build != peer_build or samples != peer_samples:
            return f"build {peer_build} has {peer_samples} samples, TeleDB returned {build} with {samples}"
        position = GC_MS_BOUNDS.index(bucket) if bucket in GC_MS_BOUNDS else -1
        if position < 0:
            return f"build {build}: bucket {bucket} is no GC_MS bucket bound"
        upper = GC_MS_BOUNDS[position + 1] if position + 1 < len(GC_MS_BOUNDS) else bucket
        if not bucket - 1e-9 <= p95 <= upper + 1e-9:
            return f"build {build}: TeleDB's p95 {p95} lies outside the bucket [{bucket}, {upper}]"
    return None


def compare_cdf(expected, actual):
    """Check TeleDB's CDF, one row with JSON [[value, cumulative], ...], against a peer's rows.

    The peer returns one row per point. Values must be equal and fractions within 1e-9."""
    text = expected[0][0] if expected and expected[0] else ""
    points = json.loads(text) if isinstance(text, str) and text else []
    if len(points) != len(actual):
        return f"{len(actual)} CDF points, TeleDB returned {len(points)}"
    for (value, cumulative), (peer_value, peer_cumulative) in zip(points, actual):
        if not close(value, peer_value) or not math.isclose(cumulative, peer_cumulative, abs_tol=1e-9):
            return f"point ({peer_value}, {peer_cumulative}), TeleDB returned ({value}, {cumulative})"
    return None


CHECKS = {
    "exact": compare_exact,
    "float": compare_exact,
    "histogram_p95": compare_histogram_p95,
    "cdf": compare_cdf,
}


def check_result(query, teledb_rows, peer_rows):
    """Return None when the peer's result agrees with TeleDB's, else the first difference."""
    return CHECKS[query["check"]](normalize_rows(teledb_rows), normalize_rows(peer_rows))
