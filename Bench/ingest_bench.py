"""Time ping ingest: `teledb ingest` against DuckDB's read_json on the same JSON files.

Each measurement loads the files into a fresh store and reports MB of JSON per second
(1 MB = 1,000,000 bytes of input files), the best and the median of --runs runs.

TeleDB runs as a subprocess and its wall time includes process start and the final commit
to disk. "1 core" pins it to one CPU with taskset; "all cores" leaves it free. DuckDB runs
in this process into a fresh on-disk database with CREATE TABLE AS over read_json, so it
parses every value, with `SET threads=1` for "1 core" and its default thread count for
"all cores".

Run through Bench/ingest.sh, which builds teledb and prepares the files.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

import duckdb


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teledb", required=True, help="path of the teledb executable")
    parser.add_argument("--generated", required=True, help="NDJSON file of generated pings")
    parser.add_argument("--real", help="folder of real ping files (.json) to repeat")
    parser.add_argument("--copies", type=int, default=40, help="copies of the real ping files")
    parser.add_argument("--work", required=True, help="scratch folder, emptied before use")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement")
    parser.add_argument("--report", help="markdown file to write the results to")
    return parser.parse_args()


def write_real_pings(source, copies, target):
    """Write every .json ping of `source` `copies` times as compact lines of one NDJSON file.

    One file of lines rather than hundreds of pretty-printed files, because DuckDB 2.0.1 took
    47 s for the 11 real pings as separate files with union_by_name. The same pings as one
    NDJSON file took 6 s (2-core machine shared with other jobs).
    """
    names = sorted(name for name in os.listdir(source) if name.endswith(".json"))
    lines = []
    for name in names:
        with open(os.path.join(source, name)) as ping:
            lines.append(json.dumps(json.load(ping), separators=(",", ":")))
    with open(target, "w") as output:
        for _ in range(copies):
            output.write("\n".join(lines) + "\n")
    return [target]


def time_teledb(teledb, files, store, one_core):
    """Return the wall seconds of one `teledb ingest` of `files` into a fresh `store`."""
    shutil.rmtree(store, ignore_errors=True)
    command = [teledb, "ingest", store] + files
    if one_core:
        command = ["taskset", "-c", "0"] + command
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"teledb ingest failed with status {result.returncode}: {result.stderr.strip()}")
    shutil.rmtree(store, ignore_errors=True)
    return seconds


def time_duckdb(files, store, one_core, newline_delimited):
    """Return the seconds DuckDB takes to load `files` with read_json into a fresh `store`."""
    if os.path.exists(store):
        os.remove(store)
    connection = duckdb.connect(store)
    if one_core:
        connection.execute("SET threads=1")
    json_format = "newline_delimited" if newline_delimited else "auto"
    start = time.perf_counter()
    connection.execute(
        "CREATE TABLE pings AS SELECT * FROM read_json(?, format = ?, union_by_name = true)",
        [files, json_format],
    )
    seconds = time.perf_counter() - start
    connection.close()
    os.remove(store)
    return seconds


def measure(label, runs, megabytes, body):
    """Run `body` `runs` times and return (label, best MB/s, median MB/s)."""
    seconds = [body() for _ in range(runs)]
    best = megabytes / min(seconds)
    median = megabytes / statistics.median(seconds)
    print(f"  {label:<22} best {best:7.1f} MB/s  median {median:7.1f} MB/s", flush=True)
    return label, best, median


def run_input_set(arguments, name, files, newline_delimited):
    megabytes = sum(os.path.getsize(path) for path in files) / 1e6
    print(f"{name}: {len(files)} files, {megabytes:.1f} MB", flush=True)
    store = os.path.join(arguments.work, "store")
    rows = []
    for one_core, cores in ((True, "1 core"), (False, "all cores")):
        rows.append(measure(
            f"TeleDB, {cores}", arguments.runs, megabytes,
            lambda: time_teledb(arguments.teledb, files, store + ".tdb", one_core)))
        rows.append(measure(
            f"DuckDB, {cores}", arguments.runs, megabytes,
            lambda: time_duckdb(files, store + ".duckdb", one_core, newline_delimited)))
    return name, len(files), megabytes, rows


def markdown(sets, arguments):
    lines = [
        "## Ping ingest",
        "",
        f"MB of JSON per second, best and median of {arguments.runs} runs, on a machine with "
        f"{os.cpu_count()} cores. TeleDB: `teledb ingest` into a fresh database, wall time of "
        "the process including the commit, pinned to one CPU with `taskset -c 0` for 1 core. "
        f"DuckDB {duckdb.__version__}: `CREATE TABLE AS SELECT * FROM read_json(...)` into a "
        "fresh database file, `SET threads=1` for 1 core. Made by `Bench/ingest.sh`. "
        f"Load average before the runs: {arguments.load_before:.1f}, after: {os.getloadavg()[0]:.1f} "
        "(other processes on the machine take CPU time from both engines).",
        "",
    ]
    for name, count, megabytes, rows in sets:
        files = "1 file" if count == 1 else f"{count} files"
        lines += [f"{name}, {files}, {megabytes:.1f} MB:", ""]
        lines += ["| Engine | Best MB/s | Median MB/s |", "|---|---:|---:|"]
        lines += [f"| {label} | {best:.1f} | {median:.1f} |" for label, best, median in rows]
        lines.append("")
    return "\n".join(lines)


def main():
    arguments = parse_arguments()
    arguments.load_before = os.getloadavg()[0]
    shutil.rmtree(arguments.work, ignore_errors=True)
    os.makedirs(arguments.work)
    sets = [run_input_set(arguments, "Generated pings (NDJSON)", [arguments.generated], True)]
    if arguments.real:
        files = write_real_pings(arguments.real, arguments.copies, os.path.join(arguments.work, "real.ndjson"))
        sets.append(run_input_set(arguments, f"Real pings, {arguments.copies} copies (NDJSON)", files, True))
    text = markdown(sets, arguments)
    if arguments.report:
        with open(arguments.report, "w") as report:
            report.write(text)
        print(f"wrote {arguments.report}")
    else:
        print()
        print(text)
    shutil.rmtree(arguments.work, ignore_errors=True)


if __name__ == "__main__":
    main()
