"""Fixtures for the wire tests: a database of generated pings (plus the real pings in
../shared when that folder exists), a `teledb serve` process on a free loopback port, and
expected values computed here, in Python, straight from the ping JSON.

The server binary comes from TELEDB_BIN (test.sh passes the release build)."""

import collections
import json
import os
import pathlib
import re
import select
import signal
import subprocess
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TELEDB = os.environ.get("TELEDB_BIN", str(ROOT / ".build" / "release" / "teledb"))
REAL_PINGS = ROOT.parent / "shared" / "telemetry" / "pings" / "pass"
GENERATED_PINGS = 2000


class Server:
    """A `teledb serve` process; `stop()` sends SIGTERM and returns the exit status."""

    def __init__(self, database, extra_args=()):
        self.database = database
        self.log = []
        self.process = subprocess.Popen(
            [TELEDB, "serve", str(database), "--host", "127.0.0.1", "--port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        # Read the pipe's bytes directly: a buffered readline() may take in the second line
        # too, and select() would then wait for data that already arrived.
        descriptor = self.process.stdout.fileno()
        pending = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready, _, _ = select.select([descriptor], [], [], 1)
            if not ready:
                if self.process.poll() is not None:
                    break
                continue
            chunk = os.read(descriptor, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.decode("utf-8", "replace") + "\n"
                self.log.append(text)
                match = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
                if match:
                    return int(match.group(1))
        self.process.kill()
        status = self.process.wait()
        raise RuntimeError(f"teledb serve did not start (exit status {status}):\n" + "".join(self.log))

    @property
    def dsn(self):
        return f"host=127.0.0.1 port={self.port} dbname=teledb user=analyst"

    def url(self, driver="psycopg"):
        return f"postgresql+{driver}://analyst@127.0.0.1:{self.port}/teledb"

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            status = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        self.log.extend(self.process.stdout.readlines())
        return status


def ping_rows(path):
    """Yields (channel, os, session_length, client_id) of each ping in an NDJSON file."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            ping = json.loads(line)
            application = ping.get("application", {})
            system = ping.get("environment", {}).get("system", {})
            info = ping.get("payload", {}).get("info", {})
            yield (application.get("channel"), system.get("os", {}).get("name"),
                   info.get("sessionLength"), ping.get("clientId"))


@pytest.fixture(scope="session")
def ping_database(tmp_path_factory):
    """Ingests generated pings (and the real ones when present); returns the folder and
    the expected values."""
    folder = tmp_path_factory.mktemp("wire")
    pings = folder / "pings.ndjson"
    subprocess.run([TELEDB, "generate", "pings", "--count", str(GENERATED_PINGS), "--seed", "11",
                    "--out", str(pings)], check=True, capture_output=True)
    database = folder / "db"
    inputs = [str(pings)]
    subprocess.run([TELEDB, "ingest", str(database), *inputs], check=True, capture_output=True)

    rows = list(ping_rows(pings))
    expected = {
        "pings": len(rows),
        "by_channel": collections.Counter(row[0] for row in rows),
        "session_length_sum": sum(row[2] for row in rows if row[2] is not None),
        "clients": len({row[3] for row in rows}),
    }
    return database, expected


@pytest.fixture(scope="session")
def server(ping_database):
    database, _ = ping_database
    running = Server(database)
    yield running
    status = running.stop()
    assert status == 0, "".join(running.log)


@pytest.fixture(scope="session")
def expected(ping_database):
    return ping_database[1]


@pytest.fixture
def fresh_server(tmp_path):
    """A server over an empty database of its own, for tests that change users or data."""
    running = Server(tmp_path / "db")
    yield running
    running.stop()
