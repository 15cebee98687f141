"""The benchmark queries written with Polars expressions, keyed by query file name.

Each function takes the loaded tables (a dict of DataFrames) and returns the result rows as
tuples, in the column order and row order of the SQL versions in Bench/queries.
"""

import datetime

import polars as pl


def rows(frame):
    return frame.rows()


def count_all(t):
    # A query through the engine, as the SQL engines run one, rather than the frame's height.
    return rows(t["pings"].select(pl.len()))


def count_filtered(t):
    return [(t["pings"].filter(pl.col("channel") == "beta").height,)]


def group_one(t):
    return rows(t["pings"].group_by("os").agg(pl.len().alias("pings"), pl.col("uptime").sum()).sort("os"))


def group_three(t):
    keys = ["channel", "os", "locale"]
    return rows(t["pings"].group_by(keys).agg(pl.len().alias("pings"), pl.col("active_ticks").sum()).sort(keys))


def top_clients(t):
    grouped = t["pings"].group_by("client_id").agg(pl.len().alias("pings"), pl.col("active_ticks").sum())
    return rows(grouped.sort(["pings", "client_id"], descending=[True, False]).head(10))


def distinct_clients(t):
    return [(t["pings"].get_column("client_id").n_unique(),)]


def daily_clients(t):
    grouped = t["pings"].group_by("submission_date").agg(pl.col("client_id").n_unique().alias("clients"))
    return rows(grouped.sort("submission_date"))


def median_by_channel(t):
    grouped = t["pings"].group_by("channel").agg(
        pl.col("first_paint_ms").quantile(0.5, interpolation="linear").alias("median"))
    return rows(grouped.sort("channel"))


def histogram_merge(t):
    buckets = (t["histograms"].filter(pl.col("metric") == "GC_MS")
               .group_by(["build_id", "bucket"]).agg(pl.col("count").sum().alias("samples"))
               .sort(["build_id", "bucket"]))
    running = buckets.with_columns(
        pl.col("samples").cum_sum().over("build_id").alias("cumulative"),
        pl.col("samples").sum().over("build_id").alias("total"))
    reached = running.filter(pl.col("cumulative") >= 0.95 * pl.col("total"))
    result = reached.group_by(["build_id", "total"]).agg(pl.col("bucket").min().alias("p95_bucket"))
    return rows(result.sort("build_id"))


def cdf_of(per_client):
    """Return TeleDB's CDF points of one column: see Bench/queries/10_cdf_clients.sql."""
    values = per_client.get_column("uptime").sort()
    n = values.len()
    frame = pl.DataFrame({"uptime": values, "position": pl.int_range(1, n + 1, eager=True)})
    # The fraction at or below a value counts the equal values after it too.
    frame = frame.with_columns((pl.col("position").max().over("uptime") / n).alias("cumulative"))
    selected = frame.filter((pl.col("position") == 1)
                            | ((100 * pl.col("position")) // n > (100 * (pl.col("position") - 1)) // n))
    return rows(selected.select("uptime", "cumulative").unique().sort("uptime"))


def cdf_clients(t):
    return cdf_of(t["pings"].group_by("client_id").agg(pl.col("uptime").sum()))


def cdf_sample(t):
    sample = t["pings"].filter(pl.col("sample_id") == 0)
    return cdf_of(sample.group_by("client_id").agg(pl.col("uptime").sum()))


def join(t):
    pings = t["pings"].filter(pl.col("tab_count") >= 10).select("document_id", "locale")
    joined = t["histograms"].select("document_id", "metric", "count").join(pings, on="document_id")
    grouped = joined.group_by(["metric", "locale"]).agg(pl.len().alias("bucket_rows"), pl.col("count").sum().alias("samples"))
    return rows(grouped.sort(["metric", "locale"]))


def date_range(t):
    selected = t["pings"].filter(pl.col("submission_date").is_between(datetime.date(2024, 3, 10), datetime.date(2024, 3, 12)))
    return [(selected.height, selected.get_column("uptime").sum())]


def like(t):
    return [(t["pings"].filter(pl.col("version").str.contains("b", literal=True)).height,)]


def group_build(t):
    grouped = t["pings"].group_by("build_id").agg(pl.len().alias("pings"), pl.col("session_restored_ms").mean())
    return rows(grouped.sort("build_id"))


QUERIES = {
    "01_count_all": count_all,
    "02_count_filtered": count_filtered,
    "03_group_one": group_one,
    "04_group_three": group_three,
    "05_top_clients": top_clients,
    "06_distinct_clients": distinct_clients,
    "07_daily_clients": daily_clients,
    "08_median_by_channel": median_by_channel,
    "09_histogram_merge": histogram_merge,
    "10_cdf_clients": cdf_clients,
    "11_cdf_sample": cdf_sample,
    "12_join": join,
    "13_date_range": date_range,
    "14_like": like,
    "15_group_build": group_build,
}
