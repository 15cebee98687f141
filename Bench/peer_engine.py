"""Load the benchmark data into one peer engine, or time the queries in it.

    peer_engine.py load  --engine E --data DIR --store DIR --out FILE
    peer_engine.py query --engine E --store DIR --queries DIR --threads N --out FILE

Each call runs in its own process, so the peak memory that getrusage reports belongs to one
engine and one phase. Polars reads POLARS_MAX_THREADS when it is imported, so the caller
sets that variable; DuckDB and chDB get their thread count here. Results go to FILE as JSON.
"""

import argparse
import csv
import json
import os
import resource
import statistics
import sys
import time

import bench_common as common

# A query is repeated until it has run this many times or for this many seconds, at least
# once after the warm-up run.
REPEATS = 5
TIME_BUDGET_SECONDS = 20.0


def directory_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


class DuckDB:
    types = {"text": "VARCHAR", "int": "BIGINT", "date": "DATE"}

    def __init__(self, store):
        self.path = os.path.join(store, "duckdb.db")

    def load(self, data):
        import duckdb
        connection = duckdb.connect(self.path)
        for table, columns in common.PEER_TABLES.items():
            types = ", ".join(f"'{name}': '{self.types[kind]}'" for name, kind in columns)
            files = ", ".join(f"'{path}'" for path in common.table_files(data, table))
            connection.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv([{files}], "
                               f"header = true, columns = {{{types}}})")
        connection.close()
        return self.path

    def open(self, threads):
        import duckdb
        self.connection = duckdb.connect(self.path, read_only=True)
        self.connection.execute(f"SET threads = {threads}")

    def run(self, query):
        return self.connection.execute(query["sql"]["duckdb"]).fetchall()


class ChDB:
    types = {"text": "String", "int": "Int64", "date": "Date"}

    def __init__(self, store):
        self.path = os.path.join(store, "chdb")

    def load(self, data):
        from chdb import session
        connection = session.Session(self.path)
        connection.query("CREATE DATABASE IF NOT EXISTS bench")
        for table, columns in common.PEER_TABLES.items():
            definition = ", ".join(f"{name} {self.types[kind]}" for name, kind in columns)
            # Sorted by date, the order in which the CSV files and TeleDB store the rows.
            connection.query(f"CREATE TABLE bench.{table} ({definition}) ENGINE = MergeTree ORDER BY submission_date")
            for path in common.table_files(data, table):
                connection.query(f"INSERT INTO bench.{table} SELECT * FROM file('{path}', CSVWithNames, '{definition}')")
        connection.query("OPTIMIZE TABLE bench.pings FINAL")
        connection.query("OPTIMIZE TABLE bench.histograms FINAL")
        connection.close()
        return self.path

    def open(self, threads):
        from chdb import session
        self.connection = session.Session(self.path)
        self.connection.query("USE bench")
        self.threads = threads

    def run(self, query):
        sql = query["sql"]["chdb"].strip() + f"\nSETTINGS max_threads = {self.threads}"
        result = self.connection.query(sql, "JSONCompact")
        text = result.bytes() if hasattr(result, "bytes") else bytes(result)
        return json.loads(text)["data"] if text else []


class SQLite:
    types = {"text": "TEXT", "int": "INTEGER", "date": "TEXT"}

    def __init__(self, store):
        self.path = os.path.join(store, "sqlite.db")

    def load(self, data):
        import sqlite3
        if os.path.exists(self.path):
            os.remove(self.path)
        connection = sqlite3.connect(self.path)
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        for table, columns in common.PEER_TABLES.items():
            definition = ", ".join(f"{name} {self.types[kind]}" for name, kind in columns)
            connection.execute(f"CREATE TABLE {table} ({definition})")
            integer_columns = [index for index, (_, kind) in enumerate(columns) if kind == "int"]
            placeholders = ", ".join("?" for _ in columns)
            for path in common.table_files(data, table):
                with open(path, newline="", encoding="utf-8") as handle:
                    reader = csv.reader(handle)
                    next(reader)
                    connection.executemany(f"INSERT INTO {table} VALUES ({placeholders})",
                                           self.typed_rows(reader, integer_columns))
            connection.commit()
        connection.close()
        return self.path

    @staticmethod
    def typed_rows(rows, integer_columns):
        for row in rows:
            for index in integer_columns:
                row[index] = int(row[index])
            yield row

    def open(self, threads):
        import sqlite3
        self.connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def run(self, query):
        return self.connection.execute(query["sql"]["sqlite"]).fetchall()


class Polars:
    """Polars, which has no database format. Its native file is Arrow IPC, which `open` reads
    into memory before any query runs, as a Polars session would."""

    types = {"text": "String", "int": "Int64", "date": "Date"}

    def __init__(self, store):
        self.path = os.path.join(store, "polars")

    def load(self, data):
        import polars as pl
        os.makedirs(self.path, exist_ok=True)
        kinds = {"text": pl.String, "int": pl.Int64, "date": pl.Date}
        for table, columns in common.PEER_TABLES.items():
            schema = {name: kinds[kind] for name, kind in columns}
            frame = pl.concat([pl.read_csv(path, schema=schema) for path in common.table_files(data, table)])
            frame.write_ipc(f"{self.path}/{table}.arrow")
        return self.path

    def open(self, threads):
        import polars as pl
        import polars_queries
        self.queries = polars_queries.QUERIES
        self.tables = {table: pl.read_ipc(f"{self.path}/{table}.arrow")
                       for table in common.PEER_TABLES}

    def run(self, query):
        return self.queries[query["name"]](self.tables)


ENGINE_TYPES = {"duckdb": DuckDB, "chdb": ChDB, "sqlite": SQLite, "polars": Polars}


def peak_memory_mb():
    # On Linux ru_maxrss is in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_load(arguments):
    engine = ENGINE_TYPES[arguments.engine](arguments.store)
    start = time.perf_counter()
    path = engine.load(arguments.data)
    seconds = time.perf_counter() - start
    return {"load_seconds": seconds, "disk_bytes": directory_size(path), "load_peak_mb": peak_memory_mb()}


def time_query(engine, query):
    """Run the query once to warm up, then repeat it; return the median time and the rows."""
    rows = engine.run(query)
    times = []
    spent = 0.0
    while len(times) < REPEATS and (not times or spent < TIME_BUDGET_SECONDS):
        start = time.perf_counter()
        rows = engine.run(query)
        seconds = time.perf_counter() - start
        times.append(seconds)
        spent += seconds
    return statistics.median(times), len(times), rows


def run_queries(arguments):
    engine = ENGINE_TYPES[arguments.engine](arguments.store)
    engine.open(arguments.threads)
    results = {}
    for query in common.load_queries(arguments.queries):
        if arguments.engine != "polars" and arguments.engine not in query["sql"]:
            continue
        try:
            seconds, runs, rows = time_query(engine, query)
            results[query["name"]] = {"seconds": seconds, "runs": runs, "rows": common.normalize_rows(rows)}
        except Exception as error:  # noqa: BLE001 - a failing query is reported, the rest still run
            print(f"{arguments.engine}: query {query['name']} failed: {error}", file=sys.stderr)
            results[query["name"]] = {"error": str(error)}
    return {"queries": results, "query_peak_mb": peak_memory_mb()}


def main():
    parser = argparse.ArgumentParser(description="Load or query one peer engine of the benchmark.")
    parser.add_argument("phase", choices=["load", "query"])
    parser.add_argument("--engine", choices=sorted(ENGINE_TYPES), required=True)
    parser.add_argument("--data", help="directory of the generated CSV files (load)")
    parser.add_argument("--store", required=True, help="directory for the engine's own files")
    parser.add_argument("--queries", help="directory of the query files (query)")
    parser.add_argument("--threads", type=int, default=1, help="threads for DuckDB and chDB (query)")
    parser.add_argument("--out", required=True, help="JSON file to write the figures to")
    arguments = parser.parse_args()
    result = run_load(arguments) if arguments.phase == "load" else run_queries(arguments)
    with open(arguments.out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main()
