"""The real Firefox pings, ingested and queried over the wire: the merged GC_MS histogram
contains every sample of the ping JSON."""

import json
import subprocess

import psycopg
import pytest

from conftest import REAL_PINGS, TELEDB, Server

pytestmark = pytest.mark.skipif(not REAL_PINGS.is_dir(), reason="../shared/telemetry is absent")


def gc_ms_counts(node, totals):
    """Adds the histograms named GC_MS under `node` and their samples to `totals`."""
    if isinstance(node, dict):
        for key, child in node.items():
            if key == "GC_MS" and isinstance(child, dict) and isinstance(child.get("values"), dict):
                totals[0] += 1
                totals[1] += sum(child["values"].values())
            else:
                gc_ms_counts(child, totals)
    elif isinstance(node, list):
        for child in node:
            gc_ms_counts(child, totals)


def test_gc_ms_merge_over_the_wire(tmp_path):
    files = sorted(REAL_PINGS.glob("*.json"))
    totals = [0, 0]
    for file in files:
        gc_ms_counts(json.loads(file.read_text()), totals)
    database = tmp_path / "db"
    subprocess.run([TELEDB, "ingest", str(database), str(REAL_PINGS)], check=True, capture_output=True)

    server = Server(database)
    try:
        with psycopg.connect(server.dsn) as connection:
            pings = connection.execute("SELECT count(*) FROM pings").fetchone()[0]
            submissions, samples = connection.execute(
                "SELECT histogram_submissions(HISTOGRAM(histogram)), histogram_count(HISTOGRAM(histogram)) "
                "FROM histograms WHERE metric = 'GC_MS'").fetchone()
    finally:
        assert server.stop() == 0
    assert pings == len(files)
    assert (submissions, samples) == (totals[0], totals[1])
