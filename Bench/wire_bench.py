"""Wire protocol throughput: TeleDB's server beside PostgreSQL 15 serving the same table.

Measures, with psycopg 3 over loopback, point queries per second (one row by id, through a
prepared statement) and rows per second for a large result. Prints a Markdown table; a
benchmark, not a test. Usage: wire_bench.py TELEDB_BINARY PG_BIN_DIR ROWS WORKDIR"""

import csv
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

import psycopg

TELEDB, PG_BIN, ROWS, WORK = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
POINT_QUERIES = 2000
COLUMNS = "id BIGINT, client_id VARCHAR, channel VARCHAR, os VARCHAR, value DOUBLE PRECISION, ts TIMESTAMP"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_csv(path):
    rng = random.Random(7)
    channels = ["release", "beta", "nightly", "esr"]
    systems = ["Windows_NT", "Darwin", "Linux"]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["id", "client_id", "channel", "os", "value", "ts"])
        for row in range(ROWS):
            writer.writerow([row, f"client-{rng.randrange(ROWS // 10 + 1):08d}", rng.choice(channels),
                             rng.choice(systems), round(rng.random() * 1000, 3),
                             f"2024-03-{1 + row % 28:02d} {row % 24:02d}:00:00"])


def start_teledb(csv_path):
    database = os.path.join(WORK, "teledb")
    subprocess.run([TELEDB, database, "-c",
                    f"CREATE TABLE events ({COLUMNS}); COPY events FROM '{csv_path}' (FORMAT csv, HEADER true)"],
                   check=True, capture_output=True)
    process = subprocess.Popen([TELEDB, "serve", database, "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    # readline() blocks until the next line or the end of output, so a server that dies
    # ends the loop. select() is not used, because a buffered readline may already contain
    # the line select() would wait for.
    for line in process.stdout:
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
        if match:
            return process, int(match.group(1))
    process.kill()
    raise RuntimeError("teledb serve did not start")


def as_server_user(command):
    """PostgreSQL refuses to run as root, so under root its programs run as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_postgres(csv_path):
    data = os.path.join(WORK, "pgdata")
    os.chmod(WORK, 0o777)
    subprocess.run(as_server_user([os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "bench", "--auth=trust"]),
                   check=True, capture_output=True)
    port = free_port()
    subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-l", os.path.join(WORK, "pg.log"),
                                   "-w", "-o", f"-h 127.0.0.1 -p {port} -k {WORK} -c fsync=off", "start"]),
                   check=True, capture_output=True)
    with psycopg.connect(f"host=127.0.0.1 port={port} user=bench dbname=postgres", autocommit=True) as connection:
        connection.execute(f"CREATE TABLE events ({COLUMNS.replace('DOUBLE PRECISION', 'double precision')},"
                           " PRIMARY KEY (id))")
        with open(csv_path) as file, connection.cursor().copy(
                "COPY events FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(file.read())
        connection.execute("ANALYZE events")
    return data, port


def measure(dsn):
    ids = random.Random(3).sample(range(ROWS), POINT_QUERIES)
    with psycopg.connect(dsn) as connection:
        for identifier in ids[:50]:
            connection.execute("SELECT * FROM events WHERE id = %s", (identifier,), prepare=True).fetchall()
        started = time.perf_counter()
        for identifier in ids:
            rows = connection.execute("SELECT * FROM events WHERE id = %s", (identifier,), prepare=True).fetchall()
            assert len(rows) == 1
            assert rows[0][0] == identifier
        point = POINT_QUERIES / (time.perf_counter() - started)

        timings = []
        for _ in range(3):
            started = time.perf_counter()
            rows = connection.execute("SELECT * FROM events").fetchall()
            timings.append(time.perf_counter() - started)
            assert len(rows) == ROWS
        large = ROWS / statistics.median(timings)
    return point, large


def main():
    os.makedirs(WORK, exist_ok=True)
    csv_path = os.path.join(WORK, "events.csv")
    write_csv(csv_path)
    teledb, teledb_port = start_teledb(csv_path)
    try:
        tele_point, tele_large = measure(f"host=127.0.0.1 port={teledb_port} user=bench dbname=teledb")
    finally:
        teledb.send_signal(signal.SIGTERM)
        teledb.wait(timeout=30)
    data, pg_port = start_postgres(csv_path)
    try:
        pg_point, pg_large = measure(f"host=127.0.0.1 port={pg_port} user=bench dbname=postgres")
    finally:
        subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-m", "fast", "stop"]),
                       capture_output=True)

    print(f"| measure ({ROWS:,} rows, psycopg 3 over loopback) | TeleDB | PostgreSQL 15 | TeleDB / PostgreSQL |")
    print("|---|---|---|---|")
    print(f"| point query by id, prepared (queries/s) | {tele_point:,.0f} | {pg_point:,.0f} | {tele_point / pg_point:.2f} |")
    print(f"| `SELECT *` of the whole table (rows/s) | {tele_large:,.0f} | {pg_large:,.0f} | {tele_large / pg_large:.2f} |")


if __name__ == "__main__":
    main()
