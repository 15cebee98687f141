"""Run the benchmark: load every engine, time the queries, check the results and write the
Markdown report between the markers in Docs/benchmarks.md.

Bench/run.sh builds TeleDB, makes the virtual environment and the data, then calls this
script. TeleDB runs its queries in a long-lived `teledb DB --mode csv` process per thread
setting (`SET threads = N`) that reads statements from a pipe, so process start does not count. Each peer runs in its own Python
process per thread setting (see peer_engine.py).
"""

import argparse
import csv
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import bench_common as common
import peer_engine

BEGIN_MARKER = "<!-- benchmark-suite:begin -->"
END_MARKER = "<!-- benchmark-suite:end -->"


# ---------------------------------------------------------------- TeleDB


def teledb_load_sql(data):
    kinds = {"text": "VARCHAR", "int": "BIGINT", "date": "DATE", "histogram": "HISTOGRAM"}
    statements = []
    for table, columns in common.TELEDB_TABLES.items():
        definition = ", ".join(f"{name} {kinds[kind]}" for name, kind in columns)
        statements.append(f"CREATE TABLE {table} ({definition})")
        # One COPY per file, because COPY reads its whole file into memory.
        for path in common.table_files(data, table):
            statements.append(f"COPY {table} FROM '{path}' (FORMAT csv, HEADER)")
    return ";\n".join(statements) + ";"


def run_measured(command, **options):
    """Run a command to its end; return the seconds, the peak memory in MB and the output."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **options)
    output, errors = process.communicate()
    seconds = time.perf_counter() - start
    # The children's rusage covers only processes already waited for, so read it right after.
    peak_kb = os_child_peak_kb()
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed with status {process.returncode}: {errors.decode()[-2000:]}")
    return seconds, peak_kb / 1024, output.decode()


def os_child_peak_kb():
    import resource
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


class TeleDBProcess:
    """One `teledb DB --mode csv` process fed statements through stdin, with `.timer on`.

    After each query the runner sends `SELECT 'marker-N' AS marker`, and the query's output
    ends where the marker's header line starts. A query's time is the shell's own `Run Time`
    line: from the statement's start until its rows are written, measured inside the process
    as the peers' times are measured inside theirs, so the pipe's round trip does not count.
    Errors go to a file, which is checked after each statement."""

    def __init__(self, teledb, database, error_path):
        self.errors = open(error_path, "w+", encoding="utf-8")
        self.process = subprocess.Popen([teledb, database, "--mode", "csv"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.errors, text=True, bufsize=1)
        self.counter = 0
        self.process.stdin.write(".timer on\n")

    def execute(self, sql):
        """Run one statement; return its rows and the seconds the shell measured."""
        self.counter += 1
        marker = f"marker-{self.counter}"
        error_offset = self.errors.tell()
        self.process.stdin.write(sql.strip().rstrip(";") + ";\n" + f"SELECT '{marker}' AS marker;\n")
        self.process.stdin.flush()
        lines = []
        seconds = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("teledb ended before the query finished")
            line = line.rstrip("\r\n")
            if line == marker:
                # The marker statement's own time follows its value.
                self.process.stdout.readline()
                break
            if line.startswith("Run Time: "):
                if seconds is None:
                    seconds = float(line.split()[2])
                continue
            lines.append(line)
        # The last line read before the marker's value is its header.
        if lines and lines[-1] == "marker":
            lines.pop()
        self.errors.seek(0, os.SEEK_END)
        if self.errors.tell() != error_offset:
            self.errors.seek(error_offset)
            raise RuntimeError(self.errors.read().strip())
        return list(csv.reader(io.StringIO("\n".join(lines))))[1:], seconds

    def peak_memory_mb(self):
        with open(f"/proc/{self.process.pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self):
        self.process.stdin.close()
        self.process.wait()
        self.errors.close()


def load_teledb(arguments):
    store = os.path.join(arguments.store, "teledb")
    database = os.path.join(store, "bench.tdb")
    shutil.rmtree(store, ignore_errors=True)
    os.makedirs(store)
    seconds, load_peak, _ = run_measured([arguments.teledb, database, "-c", teledb_load_sql(arguments.data)])
    return {"load_seconds": seconds, "disk_bytes": peer_engine.directory_size(database), "load_peak_mb": load_peak}


def run_teledb(arguments, queries, threads):
    """Time every query in a fresh `teledb` process allowed `threads` threads per query."""
    store = os.path.join(arguments.store, "teledb")
    process = TeleDBProcess(arguments.teledb, os.path.join(store, "bench.tdb"),
                            os.path.join(store, f"errors-{threads}.log"))
    process.execute(f"SET threads = {threads}")
    results = {}
    for query in queries:
        try:
            rows, _ = process.execute(query["sql"]["teledb"])
            times = []
            while len(times) < peer_engine.REPEATS and (not times or sum(times) < peer_engine.TIME_BUDGET_SECONDS):
                rows, seconds = process.execute(query["sql"]["teledb"])
                times.append(seconds)
            results[query["name"]] = {"seconds": statistics.median(times), "runs": len(times),
                                      "rows": common.normalize_rows(rows)}
        except RuntimeError as error:
            print(f"teledb: query {query['name']} failed: {error}", file=sys.stderr)
            results[query["name"]] = {"error": str(error)}
    figures = {"queries": results, "query_peak_mb": process.peak_memory_mb()}
    process.close()
    return figures


# ---------------------------------------------------------------- peers


def run_peer(arguments, engine, phase, threads=1):
    bench_directory = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(arguments.store, f"{engine}-{phase}-{threads}.json")
    command = [sys.executable, os.path.join(bench_directory, "peer_engine.py"), phase, "--engine", engine,
               "--store", os.path.join(arguments.store, engine), "--out", out]
    if phase == "load":
        shutil.rmtree(os.path.join(arguments.store, engine), ignore_errors=True)
        os.makedirs(os.path.join(arguments.store, engine))
        command += ["--data", arguments.data]
    else:
        command += ["--queries", arguments.queries, "--threads", str(threads)]
    environment = dict(os.environ, POLARS_MAX_THREADS=str(threads))
    subprocess.run(command, check=True, env=environment)
    with open(out, encoding="utf-8") as handle:
        return json.load(handle)


# ---------------------------------------------------------------- report


def geometric_mean(values):
    values = [value for value in values if value and value > 0]
    return math.exp(sum(math.log(value) for value in values) / len(values)) if values else float("nan")


def machine_description():
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()
    total_gb = memory[1].split()[1] if len(memory) > 1 else "?"
    return f"{model}, {os.cpu_count()} cores (nproc), {total_gb} GB memory (free -g), {platform.platform()}"


def milliseconds(seconds):
    """Format a time in milliseconds with about three significant digits."""
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def seconds_text(result):
    if result is None:
        return "n/a"
    if "error" in result:
        return "error"
    return milliseconds(result["seconds"])


def time_table(queries, results, threads_label, peers, mode):
    """Build one Markdown table: per query the times, TeleDB's ratio to each peer and the checks."""
    header = ["query", "TeleDB ms"] + [f"{common.ENGINE_NAMES[p]} ms" for p in peers]
    header += [f"TeleDB / {common.ENGINE_NAMES[p]}" for p in peers] + ["TeleDB / fastest peer", "answers"]
    lines = [f"{threads_label}:", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    ratios = {peer: [] for peer in peers + ["fastest"]}
    times = {engine: [] for engine in ["teledb"] + peers}
    for query in queries:
        name = query["name"]
        teledb = results["teledb"][mode]["queries"].get(name)
        row = [f"{name[:2]} {query['title']}", seconds_text(teledb)]
        cells, checks = [], []
        for peer in peers:
            peer_result = results[peer][mode]["queries"].get(name)
            row.append(seconds_text(peer_result))
            usable = teledb and peer_result and "error" not in teledb and "error" not in peer_result
            if usable:
                ratio = teledb["seconds"] / peer_result["seconds"]
                ratios[peer].append(ratio)
                cells.append(f"{ratio:.2f}")
                problem = common.check_result(query, teledb["rows"], peer_result["rows"])
                if problem:
                    checks.append(f"{common.ENGINE_NAMES[peer]}: {problem}")
            else:
                cells.append("n/a")
        peer_times = [results[p][mode]["queries"].get(name, {}).get("seconds") for p in peers]
        peer_times = [seconds for seconds in peer_times if seconds]
        if teledb and "error" not in teledb and peer_times:
            ratios["fastest"].append(teledb["seconds"] / min(peer_times))
            cells.append(f"{ratios['fastest'][-1]:.2f}")
        else:
            cells.append("n/a")
        row += cells + ["agree" if not checks else "; ".join(checks)]
        lines.append("| " + " | ".join(row) + " |")
        for engine, result in [("teledb", teledb)] + [(p, results[p][mode]["queries"].get(name)) for p in peers]:
            if result and "error" not in result:
                times[engine].append(result["seconds"])
    mean_row = ["geometric mean", milliseconds(geometric_mean(times["teledb"]))]
    mean_row += [milliseconds(geometric_mean(times[p])) for p in peers]
    mean_row += [f"{geometric_mean(ratios[p]):.2f}" for p in peers + ["fastest"]] + [""]
    lines.append("| " + " | ".join(mean_row) + " |")

    # The same means over the queries tagged as telemetry queries only.
    telemetry = [query["name"] for query in queries if query["telemetry"]]
    telemetry_row = [f"geometric mean, telemetry queries ({', '.join(name[:2] for name in telemetry)})"]
    for engine in ["teledb"] + peers:
        chosen = [results[engine][mode]["queries"].get(name) for name in telemetry]
        telemetry_row.append(milliseconds(geometric_mean([r["seconds"] for r in chosen if r and "error" not in r])))
    for peer in peers:
        pairs = [(results["teledb"][mode]["queries"].get(name), results[peer][mode]["queries"].get(name)) for name in telemetry]
        telemetry_row.append(f"{geometric_mean([t['seconds'] / p['seconds'] for t, p in pairs if t and p and 'error' not in t and 'error' not in p]):.2f}")
    fastest = []
    for name in telemetry:
        teledb = results["teledb"][mode]["queries"].get(name)
        peer_times = [results[p][mode]["queries"].get(name, {}).get("seconds") for p in peers]
        peer_times = [seconds for seconds in peer_times if seconds]
        if teledb and "error" not in teledb and peer_times:
            fastest.append(teledb["seconds"] / min(peer_times))
    telemetry_row += [f"{geometric_mean(fastest):.2f}", ""]
    lines.append("| " + " | ".join(telemetry_row) + " |")
    return lines


def load_table(results, peers):
    lines = ["| engine | load s | on disk MB | peak memory, load MB | peak memory, queries MB (1 thread / all) |",
             "|---|---|---|---|---|"]
    for engine in ["teledb"] + peers:
        load = results[engine]["load"]
        query_peak = " / ".join(f"{results[engine][mode]['query_peak_mb']:.0f}" for mode in ["single", "all"])
        lines.append(f"| {common.ENGINE_NAMES[engine]} | {load['load_seconds']:.1f} | {load['disk_bytes'] / 1e6:.0f} | "
                     f"{load['load_peak_mb']:.0f} | {query_peak} |")
    return lines


def write_report(arguments, queries, results, peers, context):
    lines = [BEGIN_MARKER, ""]
    lines.append(f"Run on {context['date']} with `Bench/run.sh --rows {arguments.rows}`: {context['pings']:,} pings, "
                 f"{context['histogram_rows']:,} histogram bucket rows, {context['histogram_values']:,} histogram values.")
    lines.append(f"Machine: {machine_description()}. Load average {context['load_before']} before the run and "
                 f"{context['load_after']} after it. {context['versions']}.")
    lines += [""] + load_table(results, peers) + [""]
    lines += time_table(queries, results, "Single-threaded (TeleDB and DuckDB `SET threads = 1`, chDB "
                        "`max_threads = 1`, `POLARS_MAX_THREADS=1`)", peers, "single") + [""]
    lines += time_table(queries, results, f"All cores ({os.cpu_count()} threads for TeleDB, DuckDB, chDB and Polars; "
                        "SQLite runs one thread in both tables, from the same run)", peers, "all") + [""]
    lines.append(END_MARKER)
    block = "\n".join(lines)

    with open(arguments.report, encoding="utf-8") as handle:
        page = handle.read()
    if BEGIN_MARKER in page and END_MARKER in page:
        before = page.split(BEGIN_MARKER)[0]
        after = page.split(END_MARKER, 1)[1]
        page = before + block + after
    else:
        page = page.rstrip("\n") + "\n\n" + block + "\n"
    with open(arguments.report, "w", encoding="utf-8") as handle:
        handle.write(page)
    print(block)


def count_rows(data, table):
    """Count the records of a table's CSV files, without their header lines."""
    total = 0
    for path in common.table_files(data, table):
        with open(path, "rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1
    return total


def engine_versions(teledb):
    versions = [subprocess.run([teledb, "--version"], capture_output=True, text=True).stdout.strip()]
    for module in ["duckdb", "chdb", "polars"]:
        probe = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.__version__)"],
                               capture_output=True, text=True)
        versions.append(f"{module} {probe.stdout.strip()}")
    import sqlite3
    versions.append(f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}")
    return ", ".join(versions)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teledb", required=True, help="path of the teledb executable")
    parser.add_argument("--data", required=True, help="directory of the generated CSV files")
    parser.add_argument("--store", required=True, help="directory for each engine's database files")
    parser.add_argument("--queries", required=True, help="directory of the query files")
    parser.add_argument("--report", required=True, help="Markdown file to write the tables into")
    parser.add_argument("--rows", type=int, required=True, help="pings in the data set, for the report")
    parser.add_argument("--engines", default="duckdb,chdb,sqlite,polars", help="comma-separated peers to run")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the figures the last run saved in STORE/results.json")
    arguments = parser.parse_args()
    peers = [engine for engine in arguments.engines.split(",") if engine]
    queries = common.load_queries(arguments.queries)
    saved_path = os.path.join(arguments.store, "results.json")
    if arguments.report_only:
        with open(saved_path, encoding="utf-8") as handle:
            saved = json.load(handle)
        write_report(arguments, queries, saved["results"], peers, saved["context"])
        return
    context = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load_before": " ".join(open("/proc/loadavg").read().split()[:3]),
               "pings": count_rows(arguments.data, "pings"),
               "histogram_rows": count_rows(arguments.data, "histograms"),
               "histogram_values": count_rows(arguments.data, "histogram_values"),
               "versions": engine_versions(arguments.teledb)}

    results = {}
    print("TeleDB: load", flush=True)
    results["teledb"] = {"load": load_teledb(arguments)}
    print("TeleDB: queries on 1 thread", flush=True)
    results["teledb"]["single"] = run_teledb(arguments, queries, threads=1)
    print(f"TeleDB: queries on {os.cpu_count()} threads", flush=True)
    results["teledb"]["all"] = run_teledb(arguments, queries, threads=os.cpu_count())
    for peer in peers:
        print(f"{common.ENGINE_NAMES[peer]}: load", flush=True)
        results[peer] = {"load": run_peer(arguments, peer, "load")}
        print(f"{common.ENGINE_NAMES[peer]}: queries on 1 thread", flush=True)
        results[peer]["single"] = run_peer(arguments, peer, "query", threads=1)
        if peer == "sqlite":
            # SQLite runs every query on one thread, so one run serves both tables.
            results[peer]["all"] = results[peer]["single"]
        else:
            print(f"{common.ENGINE_NAMES[peer]}: queries on {os.cpu_count()} threads", flush=True)
            results[peer]["all"] = run_peer(arguments, peer, "query", threads=os.cpu_count())
    context["load_after"] = " ".join(open("/proc/loadavg").read().split()[:3])
    with open(saved_path, "w", encoding="utf-8") as handle:
        json.dump({"context": context, "results": results}, handle)
    write_report(arguments, queries, results, peers, context)


if __name__ == "__main__":
    main()
